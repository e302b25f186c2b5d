package dev.kdrl.core.env;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.Space;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks that an {@link Env} keeps its contract (after Gymnasium's {@code check_env}): spaces are
 * usable, {@code step} before {@code reset} fails with {@link IllegalStateException}, observations are
 * finite members of the observation space, rewards are finite, the same seed and the same actions give
 * the same trajectory, returned observations are not aliased with the env's state (neither read back nor
 * overwritten by a later step), and stepping after
 * the end of an episode fails with {@link IllegalStateException}.
 *
 * <p>The determinism and aliasing checks keep copies of the observations: primitive arrays and {@link List}s are
 * copied (a list one level deep); an observation of any other type is kept as it is, so it is assumed immutable and
 * its changes cannot be seen.
 *
 * <p>Pass a freshly constructed environment (never reset), since the first check steps it before reset.
 * Every failed rule is listed in the thrown {@link EnvCheckException}: the rules broken once (determinism, aliasing,
 * stepping before reset or after the end) first, then the steps whose observation or reward broke a rule, the first
 * {@value #MAX_REPORTED} of them and a line saying how many more there were.
 */
public final class EnvChecker {
    /** Default number of steps replayed by the determinism check. */
    public static final int DEFAULT_STEPS = 500;
    private static final int MAX_REPORTED = 10;

    private EnvChecker() {
    }

    /** {@link #check(Env, long, int)} with seed 0 and {@link #DEFAULT_STEPS} steps. */
    public static <O, A> void check(Env<O, A> env) {
        check(env, 0L, DEFAULT_STEPS);
    }

    /**
     * Runs every check, stepping at most {@code steps} random actions drawn from a stream seeded by
     * {@code seed} (across episodes when one ends).
     *
     * @throws EnvCheckException listing every rule the environment broke
     */
    public static <O, A> void check(Env<O, A> env, long seed, int steps) {
        Objects.requireNonNull(env, "env");
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be > 0, got " + steps);
        }
        List<String> problems = new ArrayList<>();
        List<String> stepProblems = new ArrayList<>();
        Space<O> obsSpace = env.observationSpace();
        Space<A> actSpace = env.actionSpace();
        if (obsSpace == null || actSpace == null) {
            throw new EnvCheckException(List.of("observationSpace() and actionSpace() must not be null"));
        }
        Rng spaceRng = Rng.of(seed);
        for (int i = 0; i < 100; i++) {
            A a = actSpace.sample(spaceRng);
            if (!actSpace.contains(a)) {
                problems.add("actionSpace().sample() returned a value outside the space: " + show(a));
                break;
            }
        }

        try {
            env.step(actSpace.sample(spaceRng));
            problems.add("step() before reset() must throw IllegalStateException, but it returned");
        } catch (IllegalStateException expected) {
            // the contract
        } catch (RuntimeException e) {
            problems.add("step() before reset() must throw IllegalStateException, got " + e);
        }

        List<Object> first = trajectory(env, seed, steps, obsSpace, actSpace, problems, stepProblems, true);
        List<Object> second = trajectory(env, seed, steps, obsSpace, actSpace, problems, stepProblems, false);
        if (first.size() != second.size()) {
            problems.add("same seed and actions gave trajectories of different lengths: "
                    + first.size() + " and " + second.size());
        } else {
            for (int i = 0; i < first.size(); i++) {
                if (!Objects.deepEquals(first.get(i), second.get(i))) {
                    problems.add("same seed and actions gave different trajectories at record " + i + ": "
                            + show(first.get(i)) + " vs " + show(second.get(i)));
                    break;
                }
            }
        }
        if (!problems.isEmpty() || !stepProblems.isEmpty()) {
            throw new EnvCheckException(report(problems, stepProblems));
        }
    }

    /** Every rule broken once, then the first {@value #MAX_REPORTED} per-step problems and how many more there were. */
    static List<String> report(List<String> rules, List<String> perStep) {
        List<String> out = new ArrayList<>(rules.stream().distinct().toList());
        List<String> steps = perStep.stream().distinct().toList();
        out.addAll(steps.subList(0, Math.min(steps.size(), MAX_REPORTED)));
        if (steps.size() > MAX_REPORTED) {
            out.add("and " + (steps.size() - MAX_REPORTED) + " more observation or reward problem"
                    + (steps.size() - MAX_REPORTED == 1 ? "" : "s") + " at later steps");
        }
        return out;
    }

    /**
     * Plays {@code steps} seeded random actions and returns the trajectory as comparable records. On the
     * second play, the returned observations are scribbled over before the next step, so aliasing of the
     * env's internal state with what it returns shows up as a difference between the two plays.
     */
    private static <O, A> List<Object> trajectory(Env<O, A> env, long seed, int steps, Space<O> obsSpace,
                                                  Space<A> actSpace, List<String> problems,
                                                  List<String> stepProblems, boolean firstPlay) {
        Rng actions = Rng.of(seed ^ 0x9E3779B97F4A7C15L);
        Rng scribble = Rng.of(seed + 1);
        List<Object> records = new ArrayList<>();
        O obs = env.reset(seed);
        checkObservation(obs, obsSpace, "reset()", stepProblems);
        records.add(copy(obs));
        boolean ended = false;
        boolean overwritten = false;
        for (int t = 0; t < steps; t++) {
            if (!firstPlay) {
                scribbleOver(obs, scribble);
            }
            A action = actSpace.sample(actions);
            Object kept = firstPlay ? copy(obs) : null;
            StepResult<O> r = env.step(action);
            if (firstPlay && !overwritten && !Objects.deepEquals(kept, obs)) {
                overwritten = true;
                problems.add("the observation returned before step " + t
                        + " was modified by step(): return a fresh object each time");
            }
            if (r == null) {
                problems.add("step() returned null at step " + t);
                return records;
            }
            checkObservation(r.observation(), obsSpace, "step " + t, stepProblems);
            if (!Double.isFinite(r.reward())) {
                stepProblems.add("reward at step " + t + " is not finite: " + r.reward());
            }
            records.add(copy(r.observation()));
            records.add(new double[] {r.reward(), r.terminated() ? 1 : 0, r.truncated() ? 1 : 0});
            obs = r.observation();
            if (r.done()) {
                if (!ended) {
                    ended = true;
                    try {
                        env.step(actSpace.sample(actions));
                        problems.add("step() after the episode ended must throw IllegalStateException");
                    } catch (IllegalStateException expected) {
                        // the contract
                    } catch (RuntimeException e) {
                        problems.add("step() after the episode ended must throw IllegalStateException, got " + e);
                    }
                }
                obs = env.reset(actions.nextSeed());
                checkObservation(obs, obsSpace, "reset() after step " + t, stepProblems);
                records.add(copy(obs));
            }
        }
        return records;
    }

    private static <O> void checkObservation(O obs, Space<O> space, String where, List<String> problems) {
        if (obs == null) {
            problems.add(where + " returned a null observation");
            return;
        }
        if (obs instanceof double[] d) {
            for (int i = 0; i < d.length; i++) {
                if (!Double.isFinite(d[i])) {
                    problems.add(where + ": observation[" + i + "] is not finite: " + d[i]);
                    return;
                }
            }
        }
        if (!space.contains(obs)) {
            problems.add(where + ": observation " + show(obs) + " is not in " + space);
        }
    }

    private static Object copy(Object o) {
        if (o instanceof double[] d) {
            return d.clone();
        }
        if (o instanceof int[] i) {
            return i.clone();
        }
        if (o instanceof long[] l) {
            return l.clone();
        }
        if (o instanceof float[] f) {
            return f.clone();
        }
        if (o instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        return o;
    }

    private static void scribbleOver(Object o, Rng rng) {
        if (o instanceof double[] d) {
            for (int i = 0; i < d.length; i++) {
                d[i] = rng.nextDouble() * 1e6;
            }
        } else if (o instanceof int[] a) {
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextInt(1_000_000);
            }
        }
    }

    private static String show(Object o) {
        if (o instanceof double[] d) {
            return java.util.Arrays.toString(d);
        }
        if (o instanceof int[] i) {
            return java.util.Arrays.toString(i);
        }
        return String.valueOf(o);
    }
}

package dev.kdrl.env.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.io.ParserMessages;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays recorded action sequences on an environment and reports every step in the golden-trajectory
 * format ({@code seed, t, obs, action, reward, next_obs, truncated, prev_pod, prev_res}): how anyone
 * checks the simulator against reference data.
 */
public final class ActionReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActionReplay() {
    }

    /** One recorded action: episode {@code seed}, step {@code t} (from 0), the action taken. */
    /**
     * A recorded step: its seed, step number and joint action, and where it was read ({@code source}, e.g. "FILE line
     * 3", named in {@link #replay}'s errors; null when it was not read from a file).
     */
    public record Action(long seed, int t, int[] action, String source) {
        /** A step not read from a file. */
        public Action(long seed, int t, int[] action) {
            this(seed, t, action, null);
        }

        /** How {@link #replay}'s errors name this step: its source, then its seed and step. */
        String where() {
            return (source == null ? "" : source + ": ") + "seed " + seed + ", t=" + t;
        }
    }

    /** One replayed step; {@code prevPod}/{@code prevRes} are the internal state after the step. */
    public record Step(long seed, int t, double[] obs, int[] action, double reward, double[] nextObs,
                       boolean truncated, int[] prevPod, double[] prevRes) {

        /** The step as one golden-format JSON object (integral observation values written as integers). */
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("seed", seed);
            o.put("t", t);
            numbers(o.putArray("obs"), obs);
            ArrayNode a = o.putArray("action");
            for (int v : action) {
                a.add(v);
            }
            o.put("reward", reward);
            numbers(o.putArray("next_obs"), nextObs);
            o.put("truncated", truncated);
            ArrayNode p = o.putArray("prev_pod");
            for (int v : prevPod) {
                p.add(v);
            }
            ArrayNode r = o.putArray("prev_res");
            for (double v : prevRes) {
                r.add(v);
            }
            return o;
        }

        private static void numbers(ArrayNode node, double[] values) {
            for (double v : values) {
                if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                    node.add((long) v);
                } else {
                    node.add(v);
                }
            }
        }
    }

    /**
     * Reads a JSONL file of recorded steps: one object per line with at least {@code seed}, {@code t} and
     * {@code action}; other fields are ignored. Blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the file, line and field of the first bad record
     */
    public static List<Action> readActions(Path file) {
        List<Action> actions = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try (com.fasterxml.jackson.core.JsonParser parser = JSON.createParser(line)) {
                    node = JSON.readTree(parser);
                    // readTree stops after the first value: a second one on the line would be dropped unseen
                    if (parser.nextToken() != null) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ": another JSON value after the "
                                + "first, at column " + parser.getTokenLocation().getColumnNr() + " (expected one "
                                + "JSON object per line)");
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": not valid JSON ("
                            + ParserMessages.withoutSource(e.getOriginalMessage()) + ")");
                }
                actions.add(parse(node, file + " line " + lineNo));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + IoReasons.of(e), e);
        }
        return actions;
    }

    private static Action parse(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object, got " + abbreviate(node));
        }
        JsonNode seed = node.get("seed");
        JsonNode t = node.get("t");
        JsonNode action = node.get("action");
        if (seed == null || !seed.canConvertToLong() || !seed.isIntegralNumber()) {
            throw new IllegalArgumentException(where + ", field 'seed': " + abbreviate(seed) + " (expected an integer)");
        }
        if (t == null || !t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0) {
            throw new IllegalArgumentException(where + ", field 't': " + abbreviate(t) + " (expected an integer >= 0)");
        }
        if (action == null || !action.isArray() || action.isEmpty()) {
            throw new IllegalArgumentException(where + ", field 'action': " + abbreviate(action)
                    + " (expected an array of integers)");
        }
        int[] a = new int[action.size()];
        for (int i = 0; i < a.length; i++) {
            JsonNode v = action.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IllegalArgumentException(where + ", field 'action': element " + i + " is " + abbreviate(v)
                        + " (expected an integer)");
            }
            a[i] = v.asInt();
        }
        return new Action(seed.asLong(), t.asInt(), a, where);
    }

    private static String abbreviate(JsonNode n) {
        if (n == null) {
            return "missing";
        }
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /**
     * Replays {@code actions} on {@code env}: the environment is reset at the first action of every seed
     * (a record whose seed differs from the previous one), then stepped with each action in turn.
     *
     * @throws IllegalArgumentException when a seed's {@code t} values are not 0, 1, 2, ... in order, an
     *                                  action is not in the action space, or an episode ends before its actions do
     */
    public static List<Step> replay(QuotaEnv env, List<Action> actions) {
        List<Step> steps = new ArrayList<>(actions.size());
        Long currentSeed = null;
        double[] obs = null;
        int expectedT = 0;
        for (Action a : actions) {
            if (currentSeed == null || a.seed() != currentSeed) {
                currentSeed = a.seed();
                obs = env.reset(a.seed());
                expectedT = 0;
            }
            if (a.t() != expectedT) {
                throw new IllegalArgumentException(a.where() + ": expected t=" + expectedT
                        + " (each seed's records must be consecutive steps from t=0)");
            }
            if (env.episodeOver()) {
                throw new IllegalArgumentException(a.where() + ": the episode already ended after "
                        + env.episodeLength() + " steps");
            }
            if (!env.actionSpace().contains(a.action())) {
                throw new IllegalArgumentException(a.where() + ": action "
                        + Arrays.toString(a.action()) + " is not in " + env.actionSpace());
            }
            StepResult<double[]> r = env.step(a.action());
            QuotaState s = env.state();
            steps.add(new Step(a.seed(), a.t(), obs, a.action().clone(), r.reward(), r.observation(), r.truncated(),
                    s.prevPod(), s.prevRes()));
            obs = r.observation();
            expectedT++;
        }
        return steps;
    }
}

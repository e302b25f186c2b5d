package dev.kdrl.train.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kdrl.train.sweep.SweepFile;
import dev.kdrl.train.sweep.SweepJobs;
import dev.kdrl.train.sweep.SweepReport;
import dev.kdrl.train.sweep.SweepRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drl sweep run|report}: many settings and seeds of {@code drl train} from one file. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Train many settings x seeds from a sweep file (YAML) and report mean, spread and worst seed per "
                + "setting.",
        subcommands = {SweepCommand.Run.class, SweepCommand.Report.class, SweepCommand.Trial.class, SweepCommand.K8s.class})
final class SweepCommand {

    /** {@code drl train}'s options as the sweep file may name them. */
    static SweepFile.Options trainOptions() {
        return options(new TrainCommand());
    }

    /** {@code drl evaluate}'s options as an evaluation set's {@code options} may name them. */
    static SweepFile.Options evaluateOptions() {
        return options(new EvaluateCommand());
    }

    /** Reads a sweep file with {@code drl train}'s and {@code drl evaluate}'s options. */
    static SweepFile.Sweep read(Path file) {
        return SweepFile.read(file, trainOptions(), evaluateOptions(), Path.of(""));
    }

    private static SweepFile.Options options(Object command) {
        CommandSpec spec = new CommandLine(command).getCommandSpec();
        return name -> {
            OptionSpec o = spec.findOption("--" + name);
            if (o == null || o.usageHelp() || o.versionHelp()) {
                return null;
            }
            boolean flag = o.type() == boolean.class || o.type() == Boolean.class;
            return new SweepFile.Options.Kind(flag, o.negatable());
        };
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run every trial (setting x seed) of a sweep file not finished yet: each one a separate "
                    + "java process running drl train (-Xmx1g, OMP_NUM_THREADS=1 unless set) in OUT/<setting>/seed-<s>/, "
                    + "then its model.zip scored on every evaluation set beside greedy and expected-2 (eval.json). "
                    + "A trial with done.json is skipped; a half-finished one is deleted and run again. Relative paths "
                    + "in the file are relative to the working directory."})
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The sweep file (YAML).")
        Path file;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The sweep directory.")
        Path out;

        @Option(names = "--parallel", paramLabel = "N",
                description = "Trials at a time. Default: the available processors.")
        Integer parallel;

        @Option(names = "--java-opts", split = " ", paramLabel = "OPTS", defaultValue = "-Xmx1g",
                description = "JVM options of each trial's process. Default: ${DEFAULT-VALUE}.")
        List<String> javaOpts;

        @Option(names = "--dry-run", description = "Print the trials and their drl train arguments; run nothing.")
        boolean dryRun;

        @Option(names = "--reuse", paramLabel = "DIR",
                description = "Another sweep directory (repeatable): a trial trained there with the same drl train "
                        + "arguments (but --out) is copied instead of trained again, with its results on the "
                        + "evaluation sets both sweeps define alike (the others are played). Default: none.")
        List<Path> reuseDirs = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            int n = parallel == null ? Runtime.getRuntime().availableProcessors() : parallel;
            if (n < 1) {
                throw new IllegalArgumentException("--parallel " + n + ": expected an integer >= 1");
            }
            SweepRunner.checkOut(out);
            SweepFile.Sweep sweep = read(file);
            checkTrials(file, sweep, out);
            checkTraces(file, sweep);
            PrintWriter pw = spec.commandLine().getOut();
            int trials = sweep.trials();
            boolean ownSeeds = sweep.ownSeeds();
            pw.printf("%s: %d setting%s x %s seed%s = %d trials, %d evaluation sets, %d at a time, in %s%n", file,
                    sweep.settings().size(), sweep.settings().size() == 1 ? "" : "s",
                    ownSeeds ? "their" : Integer.toString(sweep.seeds().size()),
                    sweep.seeds().size() == 1 && !ownSeeds ? "" : "s", trials, sweep.sets().size(), n, out);
            if (dryRun) {
                for (SweepFile.Setting s : sweep.settings()) {
                    pw.println(s.id() + ": drl train " + String.join(" ", sweep.trainArgs(s)) + " --seed S --out "
                            + out.resolve(s.id()).resolve("seed-S") + (s.seeds() == null ? ""
                            : " (seeds " + String.join(" ", s.seeds().stream().map(String::valueOf).toList()) + ")"));
                }
                for (SweepFile.EvalSet e : sweep.sets()) {
                    if (!e.options().isEmpty()) {
                        pw.println("set " + e.name() + ": drl evaluate " + String.join(" ", e.args()));
                    }
                }
                for (String line : new SweepRunner(sweep, out, n, javaOpts, pw).plan()) {
                    pw.println(line);
                }
                if (!reuseDirs.isEmpty()) {
                    SweepRunner runner = new SweepRunner(sweep, out, n, javaOpts, pw).reusing(reuseDirs);
                    for (SweepFile.Setting s : sweep.settings()) {
                        for (long seed : sweep.seeds(s)) {
                            Path from = runner.reusableTrial(s, seed);
                            if (from != null) {
                                pw.println(s.id() + " seed " + seed + ": copied from " + from
                                        + " unless finished in --out");
                            }
                        }
                    }
                }
                pw.flush();
                return 0;
            }
            pw.flush();
            SweepRunner.Result r = new SweepRunner(sweep, out, n, javaOpts, pw).reusing(reuseDirs).run();
            pw.printf("trained %d, %sskipped %d (finished before), failed %d; drl sweep report %s%n", r.trained(),
                    r.reused() > 0 ? "reused " + r.reused() + " (--reuse), " : "", r.skipped(), r.failed(), out);
            pw.flush();
            return r.failed() > 0 ? 1 : 0;
        }
    }

    /**
     * Reads every evaluation set's traces before any trial trains: a trace that cannot be read would fail every
     * trial's evaluation only after its training.
     */
    static void checkTraces(Path file, SweepFile.Sweep sweep) {
        for (SweepFile.EvalSet e : sweep.sets()) {
            for (Path t : e.traces()) {
                dev.kdrl.env.trace.Trace trace;
                try {
                    trace = dev.kdrl.env.trace.TraceCsv.read(t);
                } catch (RuntimeException ex) {
                    throw new IllegalArgumentException(file + ": evaluation set " + e.name() + ": " + ex.getMessage(),
                            ex);
                }
                try {
                    EvaluateCommand.slice(trace, e.rows(), "rows"); // as drl evaluate will slice it
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(file + ": evaluation set " + e.name() + ": rows '" + e.rows()
                            + "' of " + t + " (expected FROM:TO with FROM < TO <= " + trace.length()
                            + ", the trace's rows)", ex);
                }
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"One table per setting of a sweep directory: for each evaluation set the mean, standard "
                    + "deviation, worst and best return over the finished seeds, as %% of greedy and of expected-2, and "
                    + "the training time; settings ranked by the mean over the validation sets only of the mean %% of "
                    + "greedy."})
    static final class Report implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "A directory written by drl sweep run.")
        Path dir;

        @Option(names = "--json", description = "Print the report as one JSON object.")
        boolean json;

        @Option(names = "--plot", paramLabel = "FILE.png", description = "Return per setting (%% of greedy) with "
                + "the worst and best seed of the validation score.")
        Path plot;

        @Option(names = "--paired-with", paramLabel = "ID", description = "Also give each other setting's validation "
                + "score less setting ID's, seed by seed over the seeds both finished: the mean difference, its standard "
                + "deviation and standard error.")
        String pairedWith;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (plot != null) {
                EnvOptions.requireOutputFile("--plot", plot, List.of(".png"), Map.of());
            }
            SweepReport.Report r = SweepReport.read(dir);
            if (r.settings().isEmpty()) {
                throw new IllegalArgumentException(dir + ": no finished trial yet");
            }
            PrintWriter pw = spec.commandLine().getOut();
            if (json) {
                pw.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(SweepReport.json(r, pairedWith)));
            } else {
                pw.print(SweepReport.text(r, pairedWith));
            }
            if (plot != null) {
                SweepReport.plot(r, plot);
                if (!json) {
                    pw.println("wrote " + plot);
                }
            }
            pw.flush();
            return 0;
        }
    }

    @Command(name = "trial", mixinStandardHelpOptions = true,
            description = {"Run one trial of a sweep file exactly as drl sweep run runs it (the command of the Jobs of "
                    + "drl sweep k8s): skipped when OUT/<setting>/seed-<s>/done.json exists, else trained and "
                    + "evaluated."})
    static final class Trial implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The sweep file (YAML).")
        Path file;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The sweep directory.")
        Path out;

        @Option(names = "--setting", required = true, paramLabel = "ID", description = "The setting's id.")
        String setting;

        @Option(names = "--seed", required = true, paramLabel = "S", description = "The seed.")
        long seed;

        @Option(names = "--java-opts", split = " ", paramLabel = "OPTS", defaultValue = "-Xmx1g",
                description = "JVM options of the training process. Default: ${DEFAULT-VALUE}.")
        List<String> javaOpts;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SweepRunner.checkOut(out);
            SweepFile.Sweep sweep = read(file);
            PrintWriter pw = spec.commandLine().getOut();
            pw.println(new SweepRunner(sweep, out, 1, javaOpts, pw).runOne(setting, seed));
            pw.flush();
            return 0;
        }
    }

    @Command(name = "k8s", mixinStandardHelpOptions = true,
            description = {"Write the Kubernetes manifests that run a sweep's trials as Jobs: a ConfigMap with the "
                    + "sweep file and one batch/v1 Job per trial running drl sweep trial in --image, the sweep "
                    + "directory --out on the PersistentVolumeClaim --claim; relative paths of the sweep file are "
                    + "relative to --workdir in the container. kubectl apply -f the output; drl sweep report reads "
                    + "the directory."})
    static final class K8s implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The sweep file (YAML).")
        Path file;

        @Option(names = "--image", required = true, paramLabel = "IMAGE",
                description = "An image with java 17, the drl jar and the traces the sweep file names.")
        String image;

        @Option(names = "--claim", required = true, paramLabel = "PVC",
                description = "The PersistentVolumeClaim (ReadWriteMany) all Jobs write the sweep directory to.")
        String claim;

        @Option(names = "--namespace", defaultValue = "default", description = "Default: ${DEFAULT-VALUE}.")
        String namespace;

        @Option(names = "--name", paramLabel = "NAME", description = "Prefix of the objects' names. Default: drl-sweep-<file name>.")
        String name;

        @Option(names = "--mount", defaultValue = "/data", paramLabel = "PATH",
                description = "Where the claim is mounted. Default: ${DEFAULT-VALUE}.")
        String mount;

        @Option(names = "--out", paramLabel = "DIR", description = "The sweep directory in the container. "
                + "Default: <mount>/<name>.")
        String out;

        @Option(names = "--workdir", defaultValue = "/app", paramLabel = "DIR",
                description = "The Jobs' working directory (the sweep file's relative paths). Default: ${DEFAULT-VALUE}.")
        String workdir;

        @Option(names = "--jar", defaultValue = "/app/drl.jar", description = "The drl jar in the image. Default: ${DEFAULT-VALUE}.")
        String jar;

        @Option(names = "--java-opts", defaultValue = "-Xmx1g", paramLabel = "OPTS",
                description = "JVM options of each Job's processes. Default: ${DEFAULT-VALUE}.")
        String javaOpts;

        @Option(names = "--cpu", defaultValue = "1", description = "CPU request per Job. Default: ${DEFAULT-VALUE}.")
        String cpu;

        @Option(names = "--memory", defaultValue = "3Gi", description = "Memory request and limit per Job. Default: ${DEFAULT-VALUE}.")
        String memory;

        @Option(names = "--backoff-limit", defaultValue = "2", description = "Retries of a failed Job. Default: ${DEFAULT-VALUE}.")
        int backoffLimit;

        @Option(names = "--output", paramLabel = "FILE.yaml", description = "Write here instead of standard output.")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (backoffLimit < 0) {
                throw new IllegalArgumentException("--backoff-limit " + backoffLimit + ": expected an integer >= 0");
            }
            // what the API server would refuse when the manifests are applied, refused here, named
            requireMatch("--namespace", namespace, "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
                    "a DNS label: lower-case letters, digits and '-', at most 63");
            // a PersistentVolumeClaim's name is a DNS-1123 subdomain
            requireMatch("--claim", claim,
                    "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
                    "a DNS subdomain name: lower-case letters, digits, '-' and '.', starting and ending with a letter or "
                            + "digit, at most 253");
            requireMatch("--image", image, "\\S+", "an image reference without spaces");
            requireMatch("--cpu", cpu, "[0-9]+(\\.[0-9]+)?m?", "a CPU quantity such as 1, 0.5 or 500m");
            requireMatch("--memory", memory, "[0-9]+(\\.[0-9]+)?([KMGTPE]i?|k)?",
                    "a memory quantity such as 3Gi or 512Mi");
            if (output != null) {
                EnvOptions.requireOutputFile("--output", output, List.of(".yaml", ".yml"), Map.of(file, "sweep file"));
            }
            SweepFile.Sweep sweep = read(file);
            String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            String n = SweepJobs.dnsLabel(name != null ? name : "drl-sweep-" + base, 40);
            String dir = out != null ? out : mount.replaceAll("/$", "") + "/" + n;
            String text = SweepJobs.manifests(sweep, Files.readString(file), new SweepJobs.Params(n, namespace, image,
                    claim, mount, dir, workdir, jar, javaOpts, cpu, memory, backoffLimit));
            if (output != null) {
                Files.writeString(output, text);
            } else {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    private static void requireMatch(String option, String value, String regex, String expected) {
        if (value == null || !value.matches(regex)) {
            throw new IllegalArgumentException(option + " '" + dev.kdrl.core.io.Printable.escape(value, 80)
                    + "': expected " + expected);
        }
    }

    /**
     * Refuses a sweep file whose settings {@code drl train} would refuse (an option value, a trace that cannot be
     * read, an option of another algorithm), naming the setting, before any trial runs: otherwise each trial fails on
     * its own, after the others have trained.
     */
    static void checkTrials(Path file, SweepFile.Sweep sweep, Path out) {
        for (SweepFile.Setting s : sweep.settings()) {
            List<String> args = new ArrayList<>(sweep.trainArgs(s));
            args.addAll(List.of("--seed", "0", "--out", out.resolve(s.id()).resolve("seed-S").toString()));
            try {
                TrainCommand.check(args);
            } catch (RuntimeException e) { // IllegalArgumentException, TraceFormatException, UncheckedIOException
                throw new IllegalArgumentException(file + ": setting " + s.id() + ": " + e.getMessage(), e);
            }
        }
    }
}

package dev.kdrl.train.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code drl} command line: {@code ./drl <subcommand> --help} for each. */
@Command(name = "drl", mixinStandardHelpOptions = true, versionProvider = DrlCommand.Version.class,
        description = "Deep-RL autoscaling for Knative services sharing one ResourceQuota: simulate, plan, evaluate.",
        subcommands = {ReplayCommand.class, BaselinesCommand.class, BenchEnvCommand.class, BenchTrainCommand.class, PredictorCommand.class, TrainCommand.class, EvaluateCommand.class, InspectCommand.class,
            SweepCommand.class,
            CommandLine.HelpCommand.class})
public final class DrlCommand {

    public static void main(String[] args) {
        // a trial of `drl sweep run`: ends with its runner, even one killed with SIGKILL
        try {
            dev.kdrl.train.run.ParentWatch.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("drl: " + e.getMessage());
            System.exit(2);
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (0 success, 1 failure, 2 bad usage). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** As {@link #execute(String...)}, printing to {@code out} and {@code err} (standard streams when null). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new DrlCommand());
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        cl.setParameterExceptionHandler((e, given) -> {
            // a bad option or value: the error, picocli's suggestions for a misspelt option, and where the options
            // are, not the whole usage (hundreds of lines for train, which scroll the error away)
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(name + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
            cmd.getErr().println("(options: " + name + " --help)");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // bad input and failed runs: one line naming what is wrong, no stack trace
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message(e));
            return 1;
        });
        return cl.execute(args);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.io.UncheckedIOException && e.getCause() != null && m == null) {
            m = e.getCause().getMessage();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The project version from the jar manifest, or "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DrlCommand.class.getPackage().getImplementationVersion();
            return new String[] {"drl " + (v == null ? "development" : v)};
        }
    }
}

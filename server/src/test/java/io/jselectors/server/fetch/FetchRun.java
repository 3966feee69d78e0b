package io.jselectors.server.fetch;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code fetch} command in this JVM and keeps what it printed, for tests. */
public final class FetchRun {

    /** The exit status and what went to stdout and stderr. */
    public record Result(int status, String out, String err) {}

    private FetchRun() {}

    /** {@code jselectors fetch ARGS...}. */
    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FetchCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }
}

package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.prom.QueryFailure;
import dev.kdrl.env.trace.Trace;
import java.time.Instant;

/**
 * {@code --simulate}: cycle {@code k} reads row {@code k} of a trace whose columns are the service names,
 * instead of querying Prometheus. The demo that needs no cluster.
 */
public final class TraceSource implements LoadSource {
    private final Trace trace;

    public TraceSource(Trace trace, Iterable<String> services) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String s : services) {
            trace.columnIndex(s); // fails naming the trace and the missing column
            names.add(s);
        }
        String unused = trace.unusedColumns(names);
        if (unused != null) {
            org.slf4j.LoggerFactory.getLogger(TraceSource.class).warn("{}", unused);
        }
        this.trace = trace;
    }

    @Override
    public double read(AgentConfig.Service service, long cycle, Instant time) throws QueryFailure {
        return trace.value((int) cycle, trace.columnIndex(service.name()));
    }

    @Override
    public boolean hasCycle(long cycle) {
        return cycle < trace.length();
    }

    public int length() {
        return trace.length();
    }
}

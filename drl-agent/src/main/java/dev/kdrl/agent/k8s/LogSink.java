package dev.kdrl.agent.k8s;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dry run: logs the custom resource that would be written and writes nothing. */
public final class LogSink implements ActionSink {
    private static final Logger LOG = LoggerFactory.getLogger(LogSink.class);

    private final String namespace;
    private final String name;

    public LogSink(String namespace, String name) {
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public String write(Map<String, String> spec) {
        String yaml = ScaleActionSpec.toYaml(namespace, name, spec);
        LOG.info("dry run: would write\n{}", yaml);
        return "dry run, not written: " + namespace + "/" + name;
    }
}

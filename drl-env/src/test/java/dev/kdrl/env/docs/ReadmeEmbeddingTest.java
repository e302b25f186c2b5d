package dev.kdrl.env.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.baseline.Baselines;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import dev.kdrl.env.value.SavedPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's "Embedding the simulator" snippets: their imports exist, and the figure they quote is what runs. */
class ReadmeEmbeddingTest {

    private static final Path README = Path.of("../README.md");

    private static String section() throws Exception {
        String text = Files.readString(README);
        int from = text.indexOf("## Embedding the simulator");
        int to = text.indexOf("\n## ", from + 1);
        assertThat(from).as("the README's embedding section").isNotNegative();
        return text.substring(from, to);
    }

    @Test
    void theSnippetsCompileAsWrittenWithTheirImports(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section());
        // each snippet its own class with its own imports; the later ones read the first's trace, a field here
        List<String> sources = new ArrayList<>();
        int n = 0;
        while (block.find()) {
            StringBuilder imports = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : block.group(1).split("\n")) {
                (line.startsWith("import ") ? imports : body).append(line).append('\n');
            }
            Path source = tmp.resolve("ReadmeSnippet" + n + ".java");
            Files.writeString(source, imports + "class ReadmeSnippet" + n + " {\n    dev.kdrl.env.trace.Trace trace;\n"
                    + "    void run() throws Exception {\n" + body + "    }\n}\n");
            sources.add(source.toString());
            n++;
        }
        assertThat(n).isEqualTo(2);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("-proc:none", "-cp", classpath, "-d", tmp.toString()));
        args.addAll(sources);
        int code = javac.run(null, null, errors, args.toArray(String[]::new));
        assertThat(code).as(errors.toString()).isZero();
    }

    @Test
    void everyImportTheSnippetsListNamesAClass() throws Exception {
        List<String> imports = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^import ([\\w.]+);$").matcher(section());
        while (m.find()) {
            imports.add(m.group(1));
        }
        assertThat(imports).hasSizeGreaterThanOrEqualTo(15);
        for (String name : imports) {
            assertThat(Class.forName(name)).as(name).isNotNull();
        }
    }

    @Test
    void theSavedPolicySnippetReturnsTheFigureItQuotes() throws Exception {
        Matcher quoted = Pattern.compile("episodeReturn\\(\\); // ([0-9,.]+) on train-200").matcher(section());
        assertThat(quoted.find()).as("the figure in the snippet's comment").isTrue();
        // the snippet, as written there
        Trace trace = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
        SavedPolicy saved = PolicyFile.load(Path.of("../models/paper-afterstate.zip"));
        QuotaModel model = PaperProfile.model();
        QuotaEnv env = new QuotaEnv(model, trace, SavedPolicies.observation(saved));
        var future = new SavedPolicies.Future(Baselines.trafficModel(model, trace, null), env.episodeLength(), 0);
        Policy<double[], int[]> policy = SavedPolicies.acting(saved, model, "paper", env::state, future);
        double ret = EpisodeRunner.run(env, policy, 0).metrics().episodeReturn();
        assertThat(String.format(Locale.ROOT, "%,.2f", ret)).isEqualTo(quoted.group(1));
    }
}

package dev.kdrl.env.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.kdrl.env.io.YamlReader.Nulls;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    record Item(String name, @JsonPropertyDescription("a number > 0") Double size, Integer count, Boolean on,
                Duration every, Number amount, Long big) {
    }

    record Doc(String title, List<Item> items, Map<String, String> labels, Item main, List<String> tags) {
    }

    private static Doc read(String yaml) {
        return YamlReader.read(yaml, "doc.yaml", Doc.class, Nulls.AS_ABSENT);
    }

    private static YamlException failure(String yaml, Nulls nulls) {
        try {
            YamlReader.read(yaml, "doc.yaml", Doc.class, nulls);
        } catch (YamlException e) {
            assertThat(e.getMessage()).doesNotContain("\n", "\r").startsWith("doc.yaml");
            return e;
        }
        throw new AssertionError("expected a YamlException for:\n" + yaml);
    }

    private static YamlException failure(String yaml) {
        return failure(yaml, Nulls.AS_ABSENT);
    }

    // ---- YAML as people write it ----

    @Test
    void blockAndFlowStylesReadAlike() {
        Doc block = read("""
                title: t
                items:
                  - name: a
                    size: 1.5
                  - name: b
                    count: 2
                labels:
                  job: x
                """);
        Doc flow = read("{title: t, items: [{name: a, size: 1.5}, {name: b, count: 2}], labels: {job: x}}");
        assertThat(flow).isEqualTo(block);
        assertThat(block.items()).extracting(Item::name).containsExactly("a", "b");
        assertThat(block.items().get(0).size()).isEqualTo(1.5);
        assertThat(block.items().get(1).count()).isEqualTo(2);
        assertThat(block.labels()).containsExactly(Map.entry("job", "x"));
        assertThat(block.main()).isNull();
    }

    @Test
    void quotingStylesAndEscapes() {
        Doc d = read("""
                title: "a \\"quoted\\" \\u00e9 # not a comment"
                tags: ['it''s', "tab\\there", plain text, '123', "true", '~']
                """);
        assertThat(d.title()).isEqualTo("a \"quoted\" \u00e9 # not a comment");
        assertThat(d.tags()).containsExactly("it's", "tab\there", "plain text", "123", "true", "~");
    }

    @Test
    void multiLineScalars() {
        Doc d = read("""
                title: |
                  line one
                  line two
                tags:
                  - >
                    folded
                    into one
                  - plain
                    continued
                  - |-
                    kept
                """);
        assertThat(d.title()).isEqualTo("line one\nline two\n");
        assertThat(d.tags()).containsExactly("folded into one\n", "plain continued", "kept");
    }

    @Test
    void anchorsAndAliasesAreExpanded() {
        Doc d = read("""
                title: &t shared title
                main: &m {name: m, size: 2, every: 2m}
                items:
                  - *m
                  - &second
                    name: *t
                    count: 3
                  - *second
                tags: &list [x, y]
                labels: {job: *t}
                """);
        assertThat(d.title()).isEqualTo("shared title");
        assertThat(d.items()).hasSize(3);
        assertThat(d.items().get(0)).isEqualTo(d.main());
        assertThat(d.items().get(1).name()).isEqualTo("shared title");
        assertThat(d.items().get(2)).isEqualTo(d.items().get(1));
        assertThat(d.main().every()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.tags()).containsExactly("x", "y");
        assertThat(d.labels()).containsEntry("job", "shared title");
    }

    @Test
    void anchorsNestAndAnAliasInsideAnAnchoredNodeIsExpandedThere() {
        Doc d = read("""
                title: &n name
                main: &outer
                  name: *n
                  every: &e 5s
                items:
                  - *outer
                  - {name: b, every: *e}
                tags: [*n, *n]
                """);
        assertThat(d.main().name()).isEqualTo("name");
        assertThat(d.items().get(0)).isEqualTo(d.main());
        assertThat(d.items().get(1).every()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.tags()).containsExactly("name", "name");
    }

    @Test
    void yamlOneTwoScalars() {
        Doc d = read("""
                title: yes
                tags: [no, on, off, y, n]
                main: {name: ~, on: true, count: 0x1F, size: 1e3, amount: 12345678901234567890, big: 9000000000}
                labels: {a: null, b: Null, c:}
                """);
        assertThat(d.title()).isEqualTo("yes");
        assertThat(d.tags()).containsExactly("no", "on", "off", "y", "n");
        assertThat(d.main().name()).isNull();
        assertThat(d.main().on()).isTrue();
        assertThat(d.main().count()).isEqualTo(31);
        assertThat(d.main().size()).isEqualTo(1000.0);
        assertThat(d.main().amount()).isEqualTo(new BigInteger("12345678901234567890"));
        assertThat(d.main().big()).isEqualTo(9_000_000_000L);
        assertThat(d.labels()).containsOnlyKeys("a", "b", "c").allSatisfy((k, v) -> assertThat(v).isNull());
    }

    @Test
    void numbersAndBooleansReadAsTheirTextWhereAStringIsExpected() {
        Doc d = read("title: 9646\ntags: [1.5, true, -3]\n");
        assertThat(d.title()).isEqualTo("9646");
        assertThat(d.tags()).containsExactly("1.5", "true", "-3");
    }

    @Test
    void numberKeepsIntegersAndFloatsApart() {
        assertThat(read("main: {amount: 2}").main().amount()).isEqualTo(2);
        assertThat(read("main: {amount: 2.0}").main().amount()).isEqualTo(2.0);
        assertThat(read("main: {amount: .nan}").main().amount()).isEqualTo(Double.NaN);
        assertThat(read("main: {size: -.inf}").main().size()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void durations() {
        assertThat(read("main: {every: 120s}").main().every()).isEqualTo(Duration.ofSeconds(120));
        assertThat(read("main: {every: 500ms}").main().every()).isEqualTo(Duration.ofMillis(500));
        assertThat(read("main: {every: 1.5m}").main().every()).isEqualTo(Duration.ofSeconds(90));
        assertThat(read("main: {every: 1h}").main().every()).isEqualTo(Duration.ofHours(1));
        assertThat(read("main: {every: 2.5}").main().every()).isEqualTo(Duration.ofMillis(2500));
        assertThat(read("main: {every: ' 3S '}").main().every()).isEqualTo(Duration.ofSeconds(3));
        YamlException e = failure("main: {every: soon}");
        assertThat(e.path()).isEqualTo("main.every");
        assertThat(e.expected()).isEqualTo("a duration such as 120s, 500ms or 2m");
        assertThat(failure("main: {every: -1}").value()).isEqualTo(-1);
        assertThat(failure("main: {every: PT5S}").value()).isEqualTo("PT5S");
    }

    record Timed(WrittenDuration every) {
    }

    private static WrittenDuration every(String yaml) {
        return YamlReader.read("every: " + yaml, "doc.yaml", Timed.class, Nulls.AS_ABSENT).every();
    }

    @Test
    void writtenDurationsKeepTheirTextAndSayWhetherTheyHadAUnit() {
        assertThat(every("5000")).isEqualTo(new WrittenDuration(Duration.ofSeconds(5000), "5000", true));
        assertThat(every("'5000'")).isEqualTo(new WrittenDuration(Duration.ofSeconds(5000), "5000", true));
        assertThat(every("2.5")).isEqualTo(new WrittenDuration(Duration.ofMillis(2500), "2.5", true));
        assertThat(every("0.0005")).isEqualTo(new WrittenDuration(Duration.ofNanos(500_000), "0.0005", true));
        assertThat(every("500ms")).isEqualTo(new WrittenDuration(Duration.ofMillis(500), "500ms", false));
        assertThat(every("25h")).isEqualTo(new WrittenDuration(Duration.ofHours(25), "25h", false));
        assertThat(every("' 3S '")).isEqualTo(new WrittenDuration(Duration.ofSeconds(3), " 3S ", false));
        YamlException e;
        try {
            every("soon");
            throw new AssertionError("soon read as a duration");
        } catch (YamlException x) {
            e = x;
        }
        assertThat(e.path()).isEqualTo("every");
        assertThat(e.expected()).isEqualTo("a duration such as 120s, 500ms or 2m");
    }

    @Test
    void nullsAsAbsentOrRefused() {
        assertThat(read("title: ~\nmain:\n")).isEqualTo(read("{}"));
        YamlException e = failure("items:\n  - name: a\n    size:\n", Nulls.REFUSED);
        assertThat(e.kind()).isEqualTo(YamlException.Kind.BAD_VALUE);
        assertThat(e.path()).isEqualTo("items[0].size");
        assertThat(e.value()).isNull();
        assertThat(e.expected()).isEqualTo("a number > 0");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).isEqualTo(
                "doc.yaml line 3 items[0].size: an empty value (null) is not valid (expected a number > 0)");
        assertThat(failure("labels: {job: ~}", Nulls.REFUSED).path()).isEqualTo("labels.job");
    }

    // ---- refused ----

    @Test
    void unknownKeysNameTheKnownOnes() {
        YamlException e = failure("items:\n  - {name: a, colour: red}\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.UNKNOWN_KEY);
        assertThat(e.path()).isEqualTo("items[0].colour");
        assertThat(e.detail()).isEqualTo("colour");
        assertThat(e.value()).isEqualTo("red");
        assertThat(e.knownKeys()).containsExactly("name", "size", "count", "on", "every", "amount", "big");
        assertThat(failure("titel: x").knownKeys()).containsExactly("title", "items", "labels", "main", "tags");
        assertThat(failure("main: {extra: [1, {a: b}]}").value()).isEqualTo(List.of(1, Map.of("a", "b")));
    }

    @Test
    void duplicateKeysAreRefusedWithTheirLine() {
        YamlException e = failure("title: a\nmain:\n  name: x\n  name: y\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("name");
        assertThat(failure("{title: a, title: b}").kind()).isEqualTo(YamlException.Kind.SYNTAX);
    }

    @Test
    void wrongKindsAreDescribed() {
        YamlException e = failure("items: {name: a}");
        assertThat(e.path()).isEqualTo("items");
        assertThat(e.value()).isEqualTo(Map.of("name", "a"));
        assertThat(e.expected()).isEqualTo("a list");
        e = failure("items: [[1, 2]]");
        assertThat(e.path()).isEqualTo("items[0]");
        assertThat(e.value()).isEqualTo(List.of(1, 2));
        assertThat(e.expected()).isEqualTo("a map with keys name, size, count, on, every, amount, big");
        assertThat(failure("main: just text").expected())
                .isEqualTo("a map with keys name, size, count, on, every, amount, big");
        assertThat(failure("main: 5").path()).isEqualTo("main");
        assertThat(failure("main: {size: '2'}").value()).isEqualTo("2");
        assertThat(failure("main: {size: true}").value()).isEqualTo(true);
        assertThat(failure("main: {count: 1.0}").value()).isEqualTo(1.0);
        assertThat(failure("main: {count: 3000000000}").expected()).isEqualTo("an integer");
        assertThat(failure("main: {on: 'true'}").expected()).isEqualTo("true or false");
        assertThat(failure("main: {on: 1}").value()).isEqualTo(1);
        assertThat(failure("main: {amount: '1'}").expected()).isEqualTo("a number");
        assertThat(failure("title: [a]").expected()).isEqualTo("a non-blank string");
        assertThat(failure("title: ''").value()).isEqualTo("");
        assertThat(failure("labels: [a]").expected()).isEqualTo("a map");
        assertThat(failure("labels: {a: {b: c}}").path()).isEqualTo("labels.a");
        assertThat(failure("tags: [a, [b]]").path()).isEqualTo("tags[1]");
        assertThat(failure("items: ''").path()).isEqualTo("items");
        YamlException top = failure("- 1\n- 2\n");
        assertThat(top.path()).isEmpty();
        assertThat(top.getMessage()).isEqualTo(
                "doc.yaml: '[1, 2]' is not valid (expected a map with keys title, items, labels, main, tags)");
    }

    @Test
    void tagsAreRefusedButTheCoreSchemasOnes() {
        assertThat(read("title: !!str 5\ntags: !!seq [a]\nmain: !!map {count: !!int '7'}").title()).isEqualTo("5");
        assertThat(read("main: {count: !!int '7'}").main().count()).isEqualTo(7);
        YamlException e = failure("!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL "
                + "[\"http://localhost/\"]]]]\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(e.detail()).contains("javax.script.ScriptEngineManager");
        assertThat(failure("title: !local x").detail()).contains("!local");
        assertThat(failure("title: !!binary aGk=").kind()).isEqualTo(YamlException.Kind.SYNTAX);
    }

    @Test
    void aliasesMustFollowTheirAnchor() {
        YamlException e = failure("title: *nowhere\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(e.detail()).contains("*nowhere");
        assertThat(e.line()).isEqualTo(1);
        assertThat(failure("tags: &self [a, *self]").detail()).contains("*self");
    }

    @Test
    void aliasBombsAreStopped() {
        StringBuilder yaml = new StringBuilder("tags: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 8; i++) {
            yaml.append("l").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        YamlException e = failure(yaml.toString());
        assertThat(e.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(e.detail()).contains("aliases");
    }

    @Test
    void oneDocumentOnly() {
        YamlException e = failure("title: a\n---\ntitle: b\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(e.line()).isEqualTo(3);
        assertThat(read("---\ntitle: a\n...\n").title()).isEqualTo("a");
    }

    @Test
    void emptyDocuments() {
        for (String empty : List.of("", "# nothing\n", "---\n", "~\n")) {
            YamlException e = failure(empty);
            assertThat(e.kind()).isEqualTo(YamlException.Kind.EMPTY);
            assertThat(e.expected()).startsWith("a map with keys title");
        }
    }

    @Test
    void syntaxErrorsNameTheLine() {
        YamlException e = failure("title: a\nitems:\n  - name: a\n   bad: [1, 2\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).startsWith("doc.yaml line 4: invalid YAML: ");
        assertThat(failure("title: [unclosed").kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(failure("title: a\n\tmain: b\n").line()).isPositive();
    }
}

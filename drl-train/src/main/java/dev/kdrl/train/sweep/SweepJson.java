package dev.kdrl.train.sweep;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.io.ParserMessages;
import dev.kdrl.core.io.Printable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON file of a sweep directory (sweep.json, trial.json, done.json, eval.json, baselines.json) read with the types
 * of its fields checked: a damaged file (empty, cut short, not JSON, a field missing or of another type) is one
 * {@link IllegalArgumentException} line naming the file, the field, the value found and what was expected, e.g.
 * {@code runs/s/a/seed-1/eval.json: field sets.t.model is "abc" (expected a number)}, never the JSON library's words.
 */
final class SweepJson {
    private static final Pattern NON_NUMERIC = Pattern.compile("Non-standard token '([^']*)'");

    private SweepJson() {
    }

    /**
     * One value of a file: the file, the field's path in it ({@code sets.t.model}, {@code settings[0].id}; empty for
     * the whole file), and the value (a missing node when the field is absent).
     */
    record Value(Path file, String field, JsonNode node) {

        /** Whether the field is there (JSON null counts as there). */
        boolean present() {
            return !node.isMissingNode();
        }

        /** The field {@code name} of this object (missing when absent); refused when this is not an object. */
        Value get(String name) {
            object();
            JsonNode child = node.get(name);
            return new Value(file, field.isEmpty() ? name : field + "." + name, child == null
                    ? MissingNode.getInstance() : child);
        }

        /** Whether this object has the field {@code name}; refused when this is not an object. */
        boolean has(String name) {
            return get(name).present();
        }

        /** This value, refused when it is not a JSON object. */
        Value object() {
            if (!node.isObject()) {
                throw bad("an object");
            }
            return this;
        }

        /** The names of this object's fields, in order. */
        List<String> names() {
            List<String> names = new ArrayList<>();
            object().node.fieldNames().forEachRemaining(names::add);
            return names;
        }

        /** The elements of this list; refused when it is not one. */
        List<Value> elements() {
            if (!node.isArray()) {
                throw bad("a list");
            }
            List<Value> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                out.add(new Value(file, field + "[" + i + "]", node.get(i)));
            }
            return out;
        }

        /** This finite number; refused otherwise. */
        double number() {
            if (!node.isNumber()) {
                throw bad("a number");
            }
            if (!Double.isFinite(node.asDouble())) {
                throw bad("a finite number");
            }
            return node.asDouble();
        }

        /** This number, or NaN when the field is absent; refused when it is there and not a finite number. */
        double numberOrNaN() {
            return present() ? number() : Double.NaN;
        }

        /** This number, or Java's null when the field is absent or JSON null (not played, not found). */
        Double numberOrNone() {
            return !present() || node.isNull() ? null : number();
        }

        /** This integer; refused otherwise. */
        long integer() {
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw bad("an integer");
            }
            return node.asLong();
        }

        /** This string; refused otherwise. */
        String text() {
            if (!node.isTextual()) {
                throw bad("a string");
            }
            return node.textValue();
        }

        /** This boolean; refused otherwise. */
        boolean bool() {
            if (!node.isBoolean()) {
                throw bad("true or false");
            }
            return node.booleanValue();
        }

        /** This list of strings; refused otherwise. */
        List<String> texts() {
            if (!node.isArray()) {
                throw bad("a list of strings");
            }
            List<String> out = new ArrayList<>();
            elements().forEach(e -> out.add(e.text()));
            return out;
        }

        /** This list of integers; refused otherwise. */
        List<Long> integers() {
            if (!node.isArray()) {
                throw bad("a list of integers");
            }
            List<Long> out = new ArrayList<>();
            elements().forEach(e -> out.add(e.integer()));
            return out;
        }

        /** This object as plain Java maps, lists, strings and numbers. */
        Map<String, Object> map() {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = SweepRunner.JSON.convertValue(object().node, LinkedHashMap.class);
            return m;
        }

        /** The one-line refusal of this value: the file, the field, the value and {@code expected}. */
        IllegalArgumentException bad(String expected) {
            return new IllegalArgumentException(file + ": " + (field.isEmpty() ? "the file holds " : "field " + field
                    + " is ") + show(node) + " (expected " + expected + ")");
        }
    }

    /**
     * The JSON object in {@code file}; refused in one line naming the file when it cannot be read, is empty, is not
     * JSON (where it breaks and why), holds more than one value, or holds no object.
     */
    static Value read(Path file) {
        JsonNode tree;
        try (JsonParser p = SweepRunner.JSON.getFactory().createParser(file.toFile())) {
            tree = SweepRunner.JSON.readTree(p);
            if (tree != null && !tree.isMissingNode()) {
                JsonLocation after = p.currentLocation();
                boolean more;
                try {
                    more = p.nextToken() != null;
                    after = p.currentTokenLocation();
                } catch (JsonProcessingException e) {
                    more = true; // not even JSON after the value (a stray '}')
                }
                if (more) {
                    throw new IllegalArgumentException(file + ": not valid JSON at " + where(after) + ": more follows "
                            + "the JSON value (expected the file to end after it)");
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON at " + where(e.getLocation()) + ": "
                    + problem(e));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it: " + IoReasons.of(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException(file + ": the file is empty (expected a JSON object)");
        }
        Value root = new Value(file, "", tree);
        if (!tree.isObject()) {
            throw root.bad("a JSON object");
        }
        return root;
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "the end" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** What the parser found wrong, in words: no library option or class, no source location. */
    private static String problem(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "the file ends inside a value (expected the rest of it; cut short?)";
        }
        String original = String.valueOf(e.getOriginalMessage());
        Matcher nonNumeric = NON_NUMERIC.matcher(original);
        if (nonNumeric.find()) {
            return "'" + Printable.escape(nonNumeric.group(1), 40) + "' is not a JSON number (expected a finite "
                    + "number)";
        }
        return ParserMessages.syntaxProblem(original);
    }

    /** A value as the file holds it, cut; JSON null and an absent field in words. */
    static String show(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "missing";
        }
        if (v.isNull()) {
            return "empty";
        }
        return Printable.escape(v.toString(), 80);
    }

    /**
     * One evaluation set's entry of a trial's eval.json: the model's mean return (required) and the baselines' (NaN
     * when not played: expected-2 on a cluster set, Knative on a paper one).
     */
    record SetResult(double model, double greedy, double expected2, double knative) {
        static SetResult of(Value set) {
            set.object();
            return new SetResult(set.get("model").number(), set.get("greedy").numberOrNaN(),
                    set.get("expected-2").numberOrNaN(), set.get("knative-first").numberOrNaN());
        }
    }

    /** A finished trial's results: its done.json and the sets of its eval.json that were asked for. */
    record Trial(double trainSeconds, Double finalReturn, Map<String, SetResult> sets) {
    }

    /**
     * The finished trial in {@code dir}: done.json's {@code trainSeconds} and {@code finalReturn}, and eval.json's
     * entry of each set of {@code setNames}; refused in one line naming the file and field that are damaged.
     */
    static Trial trial(Path dir, List<String> setNames) {
        Value done = read(dir.resolve(SweepRunner.DONE));
        double seconds = done.get("trainSeconds").number();
        Double finalReturn = done.get("finalReturn").numberOrNone();
        Value sets = read(dir.resolve("eval.json")).get("sets");
        Map<String, SetResult> results = new LinkedHashMap<>();
        for (String name : setNames) {
            Value set = sets.get(name);
            if (!set.present()) {
                throw set.bad("an object: the set's returns");
            }
            results.put(name, SetResult.of(set));
        }
        return new Trial(seconds, finalReturn, results);
    }
}

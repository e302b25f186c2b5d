package dev.kdrl.env.io;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.kdrl.core.io.ParserMessages;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.io.IOContext;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.util.TokenBuffer;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLFactoryBuilder;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;
import tools.jackson.dataformat.yaml.YAMLReadFeature;
import tools.jackson.dataformat.yaml.YAMLSchema;

/**
 * Reads one YAML document into a record with Jackson ({@code jackson-dataformat-yaml}, SnakeYAML Engine
 * underneath), for the files people write: service profiles, the agent's configuration. The record says the
 * shape: its components are the keys, in order; a nested record is a mapping, a {@code List} a sequence, a
 * {@code Map<String, X>} a mapping of any keys. A component left out of the document is {@code null}.
 *
 * <p>YAML 1.2 (the core schema): {@code true}/{@code false} are booleans and {@code yes}, {@code no},
 * {@code on}, {@code off} are strings; {@code ~}, {@code null} and an empty value are null; flow and block
 * style, every kind of quoting and multi-line scalar; anchors ({@code &name}) and aliases ({@code *name}) are
 * expanded. Refused: duplicate keys, keys the record does not have, tags other than the core schema's
 * ({@code !!str} and the like), more than one document, and values of the wrong kind. The scalar types:
 * <ul>
 *   <li>{@code Double}: an integer or a float ({@code .nan} and {@code .inf} too: range checks are the caller's);
 *       {@code Number}: the same, but an integer stays an {@code Integer}, {@code Long} or {@code BigInteger};</li>
 *   <li>{@code Integer}, {@code Long}: an integer in range ({@code 1.0} is not one);</li>
 *   <li>{@code Boolean}: {@code true} or {@code false};</li>
 *   <li>{@code String}: any scalar that is not blank (a number or boolean as Java writes it, so {@code 9646}
 *       reads as {@code "9646"});</li>
 *   <li>{@code Duration}: {@code 120s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a plain number of seconds;
 *       {@link WrittenDuration}: the same, with the text as written.</li>
 * </ul>
 * A quoted number is a string, never a number. Every problem is a one-line {@link YamlException}; what a place
 * expects is its component's {@link JsonPropertyDescription} when it has one (e.g. {@code "a finite number > 0"}),
 * else said from its type ({@code "a map with keys cpu, concurrency, latencyMs"}).
 *
 * <p>Two passes: Jackson's YAML parser turns the text into tokens, with the aliases expanded and the tags, nulls
 * and documents checked (a problem here names its line), then Jackson binds the tokens to the record (a problem
 * there names its path).
 */
public final class YamlReader {

    /** What an explicit null ({@code key: ~}, {@code key:}) means. */
    public enum Nulls {
        /** The same as leaving the key out (a null in a list or a map stays a null element). */
        AS_ABSENT,
        /** Refused: a key has a value or is left out. */
        REFUSED
    }

    /** Tokens a document may have once its aliases are expanded: far above any configuration, far below a bomb. */
    static final int MAX_TOKENS = 100_000;

    private static final String CORE = "tag:yaml.org,2002:";
    /** The explicit tags allowed: the non-specific one and those of the core schema's types. */
    private static final Set<String> TAGS = Set.of("!", CORE + "str", CORE + "int", CORE + "float", CORE + "bool",
            CORE + "null", CORE + "map", CORE + "seq");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    /** Builds the parser of the first pass; {@code EMPTY_STRING_AS_NULL}: an empty plain scalar is null. */
    private static final AnchoringFactory FACTORY = new AnchoringFactory(YAMLFactory.builder()
            .yamlSchema(YAMLSchema.CORE)
            .enable(YAMLReadFeature.EMPTY_STRING_AS_NULL)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION));

    /** Binds the tokens of the first pass. */
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .addModule(scalars())
            .addHandler(new Mismatches())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private YamlReader() {
    }

    /**
     * Reads {@code text}, one YAML document, into a {@code type}.
     *
     * @param source named in messages, e.g. the file
     * @param type   a record
     * @param nulls  what an explicit null means
     * @throws YamlException when the text is not YAML or does not fit {@code type}
     */
    public static <T> T read(String text, String source, Class<T> type, Nulls nulls) {
        TokenBuffer document = expand(text, source, type, nulls);
        try (JsonParser p = document.asParser()) {
            return MAPPER.readValue(p, type);
        } catch (BadValue e) {
            List<Object> path = steps(e);
            throw new YamlException(YamlException.Kind.BAD_VALUE, source, 0, render(path), e.value,
                    expected(type, path), null, null, null);
        } catch (UnknownKey e) {
            List<Object> at = steps(e);
            List<Object> path = new ArrayList<>(at);
            path.add(e.key);
            throw new YamlException(YamlException.Kind.UNKNOWN_KEY, source, 0, render(path), e.value, null,
                    keys(shapeAt(type, at)), e.key, null);
        } catch (JacksonException e) {
            // not expected: every mismatch above is one of ours; say what Jackson says, on one line
            throw new YamlException(YamlException.Kind.SYNTAX, source, 0, render(steps(e)), null, describe(type),
                    null, ParserMessages.oneLine(e.getOriginalMessage()), e);
        }
    }

    // ---- the document as tokens: aliases expanded, tags, nulls and documents checked ----

    /** An anchored node being copied: its tokens so far and how many of its mappings/sequences are open. */
    private static final class Recording {
        final String anchor;
        final TokenBuffer tokens = new TokenBuffer(false);
        int depth;
        int size;

        Recording(String anchor) {
            this.anchor = anchor;
        }
    }

    /** An anchored node, complete. */
    private record Anchored(TokenBuffer tokens, int size) {
    }

    private static TokenBuffer expand(String text, String source, Type type, Nulls nulls) {
        TokenBuffer out = new TokenBuffer(false);
        Map<String, Anchored> anchors = new HashMap<>();
        List<Recording> open = new ArrayList<>();
        int size = 0;
        int depth = 0;
        boolean begun = false;
        try (AnchoringParser y = (AnchoringParser) FACTORY.createParser(new StringReader(text))) {
            for (JsonToken t = y.nextToken(); t != null; t = y.nextToken()) {
                int line = line(y.currentTokenLocation());
                if (depth == 0) {
                    if (begun) {
                        throw syntax(source, type, line, "a second document (expected one)", null);
                    }
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    begun = true;
                }
                boolean node = t.isStructStart() || t.isScalarValue();
                String tag = node ? y.getRawTag() : null;
                if (tag != null && !TAGS.contains(tag)) {
                    throw syntax(source, type, line, "the tag " + (tag.startsWith(CORE) ? "!!" + tag.substring(
                            CORE.length()) : tag) + " is not supported (expected plain YAML: mappings, lists, strings,"
                            + " numbers, booleans)", null);
                }
                if (t == JsonToken.VALUE_STRING && y.isCurrentAlias()) {
                    Anchored a = anchors.get(y.getString());
                    if (a == null) {
                        throw syntax(source, type, line, "the alias *" + y.getString() + " has no complete anchor &"
                                + y.getString() + " before it", null);
                    }
                    size += a.size() * (1 + open.size());
                    if (size > MAX_TOKENS) {
                        throw syntax(source, type, line, "more than " + MAX_TOKENS + " values once the aliases are expanded",
                                null);
                    }
                    replay(a.tokens(), out, open);
                    continue;
                }
                if (t == JsonToken.VALUE_NULL && nulls == Nulls.REFUSED) {
                    List<Object> path = steps(y.streamReadContext());
                    throw new YamlException(YamlException.Kind.BAD_VALUE, source, line, render(path), null,
                            expected(type, path), null, null, null);
                }
                copy(t, y, out);
                int delta = t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                depth += delta;
                size += 1 + open.size();
                for (Iterator<Recording> it = open.iterator(); it.hasNext(); ) {
                    Recording r = it.next();
                    copy(t, y, r.tokens);
                    r.size++;
                    r.depth += delta;
                    if (r.depth == 0) {
                        anchors.put(r.anchor, new Anchored(r.tokens, r.size));
                        it.remove();
                    }
                }
                String anchor = node ? y.anchor() : null;
                if (anchor != null) {
                    Recording r = new Recording(anchor);
                    copy(t, y, r.tokens);
                    r.size = 1;
                    r.depth = delta;
                    if (delta == 0) {
                        anchors.put(anchor, new Anchored(r.tokens, r.size));
                    } else {
                        open.add(r);
                    }
                }
                if (size > MAX_TOKENS) {
                    throw syntax(source, type, line, "more than " + MAX_TOKENS + " values", null);
                }
            }
        } catch (JacksonException e) {
            throw syntax(source, type, e);
        }
        if (!begun) {
            throw new YamlException(YamlException.Kind.EMPTY, source, 0, "", null, describe(type), null, null,
                    null);
        }
        return out;
    }

    /** Jackson's YAML parser that also tells the anchor of a scalar (Jackson's own keeps those of collections only). */
    private static final class AnchoringParser extends YAMLParser {
        AnchoringParser(ObjectReadContext readContext, IOContext ioContext, BufferRecycler recycler,
                        int streamReadFeatures, int formatReadFeatures, LoadSettings settings, Reader reader) {
            super(readContext, ioContext, recycler, streamReadFeatures, formatReadFeatures, settings, reader);
        }

        /** The anchor ({@code &name}) of the current mapping, list or scalar, or {@code null}. */
        String anchor() {
            return _lastEvent instanceof NodeEvent e && !(_lastEvent instanceof AliasEvent)
                    ? e.getAnchor().map(Anchor::getValue).orElse(null) : null;
        }
    }

    private static final class AnchoringFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        AnchoringFactory(YAMLFactoryBuilder builder) {
            super(builder);
        }

        @Override
        protected YAMLParser _createParser(ObjectReadContext readContext, IOContext ioContext, Reader reader) {
            return new AnchoringParser(readContext, ioContext, _getBufferRecycler(),
                    readContext.getStreamReadFeatures(_streamReadFeatures),
                    readContext.getFormatReadFeatures(_formatReadFeatures), _loadSettings, reader);
        }
    }

    /** Copies the current token of {@code from} to {@code to}. */
    private static void copy(JsonToken t, JsonParser from, TokenBuffer to) {
        switch (t) {
            case START_OBJECT -> to.writeStartObject();
            case END_OBJECT -> to.writeEndObject();
            case START_ARRAY -> to.writeStartArray();
            case END_ARRAY -> to.writeEndArray();
            case PROPERTY_NAME -> to.writeName(from.currentName());
            case VALUE_STRING -> to.writeString(from.getString());
            case VALUE_NUMBER_INT -> {
                switch (from.getNumberType()) {
                    case INT -> to.writeNumber(from.getIntValue());
                    case LONG -> to.writeNumber(from.getLongValue());
                    default -> to.writeNumber(from.getBigIntegerValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> to.writeNumber(from.getDoubleValue());
            case VALUE_TRUE, VALUE_FALSE -> to.writeBoolean(t == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> to.writeNull();
            default -> throw new IllegalStateException("unexpected YAML token " + t);
        }
    }

    /** Writes a whole anchored node where its alias is, and into the anchored nodes being copied. */
    private static void replay(TokenBuffer node, TokenBuffer out, List<Recording> open) {
        try (JsonParser p = node.asParser()) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                copy(t, p, out);
                for (Recording r : open) {
                    copy(t, p, r.tokens);
                    r.size++;
                }
            }
        }
    }

    private static YamlException syntax(String source, Type type, int line, String detail, Throwable cause) {
        return new YamlException(YamlException.Kind.SYNTAX, source, line, "", null, describe(type), null, detail,
                cause);
    }

    /** The parser's problem on one line, at the line it names (SnakeYAML Engine's "context: problem"). */
    private static YamlException syntax(String source, Type type, JacksonException e) {
        int line = line(e.getLocation());
        String detail = e.getOriginalMessage();
        if (e.getCause() instanceof MarkedYamlEngineException m) {
            detail = (m.getContext() != null ? m.getContext() + ": " : "") + m.getProblem();
            line = m.getProblemMark().or(m::getContextMark).map(mark -> mark.getLine() + 1).orElse(line);
        }
        // Jackson says "Duplicate Object property "x""
        return syntax(source, type, line, ParserMessages.oneLine(detail).replace("Duplicate Object property",
                "duplicate key"), e);
    }

    private static int line(TokenStreamLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    // ---- binding: scalars, mismatches, unknown keys ----

    /** A value of the wrong kind, met while binding; the path is added as the exception unwinds. */
    private static final class BadValue extends DatabindException {
        private static final long serialVersionUID = 1L;
        final transient Object value;

        BadValue(JsonParser p, Object value) {
            super(p, "a value of the wrong kind");
            this.value = value;
        }
    }

    /** A key the record does not have, met while binding; the path of its mapping is added as it unwinds. */
    private static final class UnknownKey extends DatabindException {
        private static final long serialVersionUID = 1L;
        final String key;
        final transient Object value;

        UnknownKey(JsonParser p, String key, Object value) {
            super(p, "unknown key " + key);
            this.key = key;
            this.value = value;
        }
    }

    /** Turns Jackson's mismatches (a list for a map, a string for a record, ...) into {@link BadValue}s. */
    private static final class Mismatches extends DeserializationProblemHandler {
        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t,
                                            JsonParser p, String failureMsg) {
            throw new BadValue(p, plain(p, ctxt));
        }

        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                                                ValueInstantiator valueInsta, JsonParser p, String msg) {
            throw new BadValue(p, plain(p, ctxt));
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                             ValueDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) {
            if (p.currentToken() == JsonToken.PROPERTY_NAME) {
                p.nextToken();
            }
            throw new UnknownKey(p, propertyName, plain(p, ctxt));
        }
    }

    /** One scalar type: {@code read} gives the value of the current token, or {@code null} if it is not one. */
    private static final class Scalar<T> extends StdScalarDeserializer<T> {
        private final transient Function<JsonParser, T> read;

        Scalar(Class<T> type, Function<JsonParser, T> read) {
            super(type);
            this.read = read;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) {
            T value = p.currentToken().isScalarValue() ? read.apply(p) : null;
            if (value == null) {
                throw new BadValue(p, plain(p, ctxt));
            }
            return value;
        }
    }

    private static SimpleModule scalars() {
        Function<JsonParser, Double> real = p -> p.currentToken().isNumeric() ? p.getDoubleValue() : null;
        Function<JsonParser, Integer> integer = p -> p.currentToken() == JsonToken.VALUE_NUMBER_INT
                && p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : null;
        Function<JsonParser, Long> longInteger = p -> p.currentToken() == JsonToken.VALUE_NUMBER_INT
                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER ? p.getLongValue() : null;
        Function<JsonParser, Boolean> bool = p -> p.currentToken().isBoolean()
                ? p.currentToken() == JsonToken.VALUE_TRUE : null;
        return new SimpleModule("kdrl-yaml-scalars")
                .addDeserializer(Double.class, new Scalar<>(Double.class, real))
                .addDeserializer(double.class, new Scalar<>(Double.class, real))
                .addDeserializer(Number.class, new Scalar<>(Number.class,
                        p -> p.currentToken().isNumeric() ? (Number) plain(p, null) : null))
                .addDeserializer(Integer.class, new Scalar<>(Integer.class, integer))
                .addDeserializer(int.class, new Scalar<>(Integer.class, integer))
                .addDeserializer(Long.class, new Scalar<>(Long.class, longInteger))
                .addDeserializer(long.class, new Scalar<>(Long.class, longInteger))
                .addDeserializer(Boolean.class, new Scalar<>(Boolean.class, bool))
                .addDeserializer(boolean.class, new Scalar<>(Boolean.class, bool))
                .addDeserializer(String.class, new Scalar<>(String.class, YamlReader::string))
                .addDeserializer(Duration.class, new Scalar<>(Duration.class, YamlReader::duration))
                .addDeserializer(WrittenDuration.class, new Scalar<>(WrittenDuration.class, YamlReader::written));
    }

    private static String string(JsonParser p) {
        Object v = plain(p, null);
        String s = String.valueOf(v);
        return v == null || s.isBlank() ? null : s;
    }

    private static Duration duration(JsonParser p) {
        if (p.currentToken().isNumeric()) {
            double seconds = p.getDoubleValue();
            return Double.isFinite(seconds) && seconds >= 0 ? Duration.ofNanos(Math.round(seconds * 1e9)) : null;
        }
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return null;
        }
        Matcher m = DURATION.matcher(p.getString().strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        double x = Double.parseDouble(m.group(1));
        double nanos = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> x * 1e6;
            case "m" -> x * 60e9;
            case "h" -> x * 3600e9;
            default -> x * 1e9;
        };
        return Duration.ofNanos(Math.round(nanos));
    }

    private static WrittenDuration written(JsonParser p) {
        Duration d = duration(p);
        if (d == null) {
            return null;
        }
        boolean unitless = true;
        if (!p.currentToken().isNumeric()) {
            Matcher m = DURATION.matcher(p.getString().strip().toLowerCase(Locale.ROOT));
            unitless = m.matches() && m.group(2) == null; // it matched: duration(p) read it
        }
        return new WrittenDuration(d, p.currentToken().isNumeric() ? numberText(p) : p.getString(), unitless);
    }

    /**
     * A number's text: an integer's digits as written; a float as Java writes it ({@code 2.5}, {@code 5000.0}), without
     * an exponent when short enough ({@code 0.0005}, not {@code 5.0E-4}).
     */
    private static String numberText(JsonParser p) {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            return p.getNumberValue().toString();
        }
        double d = p.getDoubleValue();
        String text = Double.toString(d);
        if (text.contains("E") && Double.isFinite(d)) {
            String plain = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            return plain.length() <= 24 ? plain : text;
        }
        return text;
    }

    /** The current value as plain Java (a mapping or list read whole); {@code ctxt} may be null for scalars. */
    private static Object plain(JsonParser p, DeserializationContext ctxt) {
        JsonToken t = p.currentToken();
        if (t == null) {
            return null;
        }
        if (t.isStructStart()) {
            return plain((JsonNode) ctxt.readTree(p));
        }
        return switch (t) {
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                map.put(e.getKey(), plain(e.getValue()));
            }
            return map;
        }
        if (n.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode e : n.values()) {
                list.add(plain(e));
            }
            return list;
        }
        if (n.isString()) {
            return n.stringValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.isNumber() ? n.numberValue() : null;
    }

    // ---- paths and what a place expects ----

    /** Jackson's path of an exception as keys ({@code String}) and list indexes ({@code Integer}). */
    private static List<Object> steps(JacksonException e) {
        List<Object> steps = new ArrayList<>();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                steps.add(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                steps.add(r.getIndex());
            }
        }
        return steps;
    }

    /** The path of the parser's current value. */
    private static List<Object> steps(TokenStreamContext context) {
        List<Object> steps = new ArrayList<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            steps.add(0, c.inArray() ? (Object) c.getCurrentIndex() : c.currentName());
        }
        return steps;
    }

    /** {@code services[1].configs[2].cpu}; empty for the document. */
    private static String render(List<Object> path) {
        StringBuilder sb = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else {
                sb.append(sb.length() == 0 ? "" : ".").append(step);
            }
        }
        return sb.toString();
    }

    /** The type at {@code path} under {@code root}, with the record component it is ({@code null} if none). */
    private record Place(Type type, RecordComponent component) {
    }

    private static Place placeAt(Type root, List<Object> path) {
        Place place = new Place(root, null);
        for (Object step : path) {
            Class<?> raw = raw(place.type());
            if (raw.isRecord() && step instanceof String key) {
                RecordComponent c = Arrays.stream(raw.getRecordComponents()).filter(rc -> rc.getName().equals(key))
                        .findFirst().orElse(null);
                if (c == null) {
                    return new Place(Object.class, null);
                }
                place = new Place(c.getGenericType(), c);
            } else if (Collection.class.isAssignableFrom(raw)) {
                place = new Place(typeArgument(place.type(), 0), null);
            } else if (Map.class.isAssignableFrom(raw)) {
                place = new Place(typeArgument(place.type(), 1), null);
            } else {
                return new Place(Object.class, null);
            }
        }
        return place;
    }

    private static Type shapeAt(Type root, List<Object> path) {
        return placeAt(root, path).type();
    }

    /** What the place at {@code path} holds: its component's description, else said from its type. */
    private static String expected(Type root, List<Object> path) {
        Place place = placeAt(root, path);
        Method accessor = place.component() == null ? null : place.component().getAccessor();
        JsonPropertyDescription d = accessor == null ? null : accessor.getAnnotation(JsonPropertyDescription.class);
        return d != null ? d.value() : describe(place.type());
    }

    private static String describe(Type type) {
        Class<?> c = raw(type);
        if (c == Duration.class || c == WrittenDuration.class) {
            return "a duration such as 120s, 500ms or 2m";
        }
        if (c.isRecord()) {
            return "a map with keys " + String.join(", ", keys(c));
        }
        if (Collection.class.isAssignableFrom(c)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(c)) {
            return "a map";
        }
        if (c == Double.class || c == double.class || c == Number.class) {
            return "a number";
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return "an integer";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        if (c == String.class) {
            return "a non-blank string";
        }
        return "a " + c.getSimpleName();
    }

    /** The keys of a record type, in declaration order (none for other types). */
    private static List<String> keys(Type type) {
        Class<?> c = raw(type);
        return c.isRecord() ? Arrays.stream(c.getRecordComponents()).map(RecordComponent::getName).toList()
                : List.of();
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c ? c : Object.class;
    }

    private static Type typeArgument(Type type, int i) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > i
                ? p.getActualTypeArguments()[i] : Object.class;
    }
}

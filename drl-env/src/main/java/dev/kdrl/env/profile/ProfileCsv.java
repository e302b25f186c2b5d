package dev.kdrl.env.profile;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.env.io.CsvText;
import dev.kdrl.env.quota.Limit;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes service profiles as CSV (UTF-8), the format of {@code datasets/profiles/paper-services.csv}.
 *
 * <p>Header (columns in any order, each exactly once, no others):
 * {@code service,action,cpu_cores,concurrency,p95_latency_ms,slo_ms,khpa_latency_threshold_ms,khpa_max_pod_step}.
 * Then one row per action. Services come out in order of first appearance, and each service's rows must
 * be contiguous. Per service, {@code action} is 0, 1, 2, ... in file order. {@code slo_ms},
 * {@code khpa_latency_threshold_ms} and {@code khpa_max_pod_step} are per service and must be the same on
 * every row of it. {@code cpu_cores}, {@code concurrency}, {@code p95_latency_ms}, {@code slo_ms} and
 * {@code khpa_latency_threshold_ms} are finite numbers &gt; 0 (plain decimals, optionally with an exponent;
 * NaN and Infinity are rejected). {@code khpa_max_pod_step} is empty or an integer &gt;= 0; empty or 0 means
 * no limit ({@link ServiceProfile#maxPodStep()} 0).
 *
 * <p>Cells are trimmed; a leading UTF-8 BOM is ignored; completely empty lines are skipped (line numbers
 * in messages still count them). Every content error is a {@link ProfileFormatException} naming the file,
 * the line (header = line 1), the column and the value.
 */
public final class ProfileCsv {

    static final String SERVICE = "service";
    static final String ACTION = "action";
    static final String CPU = "cpu_cores";
    static final String CONCURRENCY = "concurrency";
    static final String LATENCY = "p95_latency_ms";
    static final String SLO = "slo_ms";
    static final String THRESHOLD = "khpa_latency_threshold_ms";
    static final String MAX_POD_STEP = "khpa_max_pod_step";

    /** The columns, in the order {@link #write} writes them. */
    public static final List<String> COLUMNS =
            List.of(SERVICE, ACTION, CPU, CONCURRENCY, LATENCY, SLO, THRESHOLD, MAX_POD_STEP);

    private static final String POSITIVE = "(expected a finite number > 0)";
    private static final String POD_STEP = "(expected empty or an integer >= 0; empty or 0 = no limit)";

    /** Plain decimal numbers only: no NaN, Infinity, hex or Java suffixes like "1d". */
    static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("\\+?\\d+");

    private static final CSVFormat WRITE_FORMAT = CSVFormat.DEFAULT.builder()
            .setRecordSeparator("\n")
            .build();

    private ProfileCsv() {
    }

    /**
     * Reads a profile file (UTF-8); messages name the file as {@code file.toString()}.
     *
     * @throws UncheckedIOException    on I/O errors
     * @throws ProfileFormatException on invalid content
     */
    public static List<ServiceProfile> read(Path file) {
        String source = file.toString();
        String text = CsvText.read(file, "profile");
        return parse(text, source);
    }

    /** Reads a profile from {@code reader} (not closed); {@code sourceName} is used in messages. */
    public static List<ServiceProfile> read(Reader reader, String sourceName) {
        return parse(readAll(reader, sourceName), sourceName);
    }

    /**
     * Writes {@code services} in the format {@link #read} reads (UTF-8, "\n" line ends, header first).
     * Integral numbers are written without ".0"; a max pod step of 0 (no limit) as an empty cell.
     */
    public static void write(List<ServiceProfile> services, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(w, WRITE_FORMAT)) {
            printer.printRecord(COLUMNS);
            for (ServiceProfile s : services) {
                for (int a = 0; a < s.numActions(); a++) {
                    ServiceConfig c = s.config(a);
                    printer.printRecord(s.name(), Integer.toString(a), formatNumber(c.cpu()),
                            formatNumber(c.concurrency()), formatNumber(c.latencyMs()), formatNumber(s.sloMs()),
                            formatNumber(s.khpaLatencyThresholdMs()),
                            s.maxPodStep() == 0 ? "" : Integer.toString(s.maxPodStep()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write profile " + file + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * Integral values without ".0", others as plain decimals without an exponent (so that both CSV and
     * YAML read them back as the same double).
     */
    static String formatNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).toPlainString();
    }

    static String readAll(Reader reader, String sourceName) {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        try {
            int n;
            while ((n = reader.read(buf)) >= 0) {
                sb.append(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profile " + sourceName + ": " + IoReasons.of(e), e);
        }
        return sb.toString();
    }

    // ---- parsing ----

    /** A service being collected: its first line, per-service values as first seen, and its configs. */
    private static final class Pending {
        final String name;
        final long firstLine;
        long lastLine;
        final String sloText;
        final double slo;
        final String thresholdText;
        final double threshold;
        final String podStepText;
        final int podStep;
        final List<ServiceConfig> configs = new ArrayList<>();

        Pending(String name, long line, String sloText, double slo, String thresholdText, double threshold,
                String podStepText, int podStep) {
            this.name = name;
            this.firstLine = line;
            this.lastLine = line;
            this.sloText = sloText;
            this.slo = slo;
            this.thresholdText = thresholdText;
            this.threshold = threshold;
            this.podStepText = podStepText;
            this.podStep = podStep;
        }
    }

    private static List<ServiceProfile> parse(String text, String source) {
        final class Parsed {
            Map<String, Integer> header;
            int width;
            long headerLine;
            final Map<String, Pending> services = new LinkedHashMap<>();
            Pending current;
        }
        Parsed st = new Parsed();
        CsvText.forEachRecord(text, "profile", source,
                (line, detail, cause) -> new ProfileFormatException(source, line, null, null, detail, cause), l -> {
                    CSVRecord rec = l.record();
                    if (st.header == null) {
                        st.header = parseHeader(rec, l.line(), source);
                        st.width = rec.size();
                        st.headerLine = l.line();
                        return;
                    }
                    if (rec.size() != st.width) {
                        throw ProfileFormatException.csv(source, l.line(), null, "found " + rec.size()
                                + " fields, expected " + st.width + " as in the header ("
                                + String.join(",", headerNames(st.header)) + "): '" + CsvText.joined(rec) + "'");
                    }
                    st.current = parseRow(rec, l.line(), st.header, st.services, st.current, source);
                });
        Map<String, Integer> header = st.header;
        long headerLine = st.headerLine;
        Map<String, Pending> services = st.services;
        if (header == null) {
            throw ProfileFormatException.csv(source, 0, null,
                    "is empty (expected a header row " + String.join(",", COLUMNS) + " and one row per action)");
        }
        if (services.isEmpty()) {
            throw ProfileFormatException.csv(source, headerLine, null,
                    "no data rows after the header (expected one row per action of each service)");
        }
        List<ServiceProfile> out = new ArrayList<>(services.size());
        for (Pending p : services.values()) {
            out.add(new ServiceProfile(p.name, p.slo, p.threshold, p.podStep, p.configs));
        }
        return List.copyOf(out);
    }

    private static Map<String, Integer> parseHeader(CSVRecord rec, long line, String source) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < rec.size(); i++) {
            String name = rec.get(i).trim();
            if (!COLUMNS.contains(name)) {
                throw ProfileFormatException.csv(source, line, name, "unknown column '" + name + "' in header field "
                        + (i + 1) + " (expected the columns " + String.join(",", COLUMNS) + ")");
            }
            Integer prev = index.putIfAbsent(name, i);
            if (prev != null) {
                throw ProfileFormatException.csv(source, line, name, "column '" + name + "' appears twice, in header "
                        + "fields " + (prev + 1) + " and " + (i + 1) + " (expected each column once)");
            }
        }
        for (String c : COLUMNS) {
            if (!index.containsKey(c)) {
                throw ProfileFormatException.csv(source, line, c, "missing from the header '" + CsvText.joined(rec)
                        + "' (expected the columns " + String.join(",", COLUMNS) + ")");
            }
        }
        return index;
    }

    private static List<String> headerNames(Map<String, Integer> header) {
        String[] names = new String[header.size()];
        header.forEach((k, v) -> names[v] = k);
        return Arrays.asList(names);
    }

    private static Pending parseRow(CSVRecord rec, long line, Map<String, Integer> header,
                                    Map<String, Pending> services, Pending current, String source) {
        String name = cell(rec, header, SERVICE);
        if (name.isEmpty()) {
            throw ProfileFormatException.csv(source, line, SERVICE,
                    "'" + rec.get(header.get(SERVICE)) + "' is not valid (expected a non-blank service name)");
        }
        String actionText = cell(rec, header, ACTION);
        double cpu = positive(cell(rec, header, CPU), line, CPU, source, Limit.CPU);
        double concurrency = positive(cell(rec, header, CONCURRENCY), line, CONCURRENCY, source, Limit.CONCURRENCY);
        double latency = positive(cell(rec, header, LATENCY), line, LATENCY, source, Limit.MILLISECONDS);
        String sloText = cell(rec, header, SLO);
        double slo = positive(sloText, line, SLO, source, Limit.MILLISECONDS);
        String thresholdText = cell(rec, header, THRESHOLD);
        double threshold = positive(thresholdText, line, THRESHOLD, source, Limit.MILLISECONDS);
        String podStepText = cell(rec, header, MAX_POD_STEP);
        int podStep = podStep(podStepText, line, source);

        Pending p = services.get(name);
        if (p == null) {
            p = new Pending(name, line, sloText, slo, thresholdText, threshold, podStepText, podStep);
            services.put(name, p);
        } else if (p != current) {
            throw ProfileFormatException.csv(source, line, SERVICE, "'" + name + "' reappears after service '"
                    + current.name + "' (expected the rows of each service to be contiguous; '" + name
                    + "' was on lines " + p.firstLine + "-" + p.lastLine + ")");
        } else {
            same(p, SLO, p.sloText, p.slo, sloText, slo, line, source);
            same(p, THRESHOLD, p.thresholdText, p.threshold, thresholdText, threshold, line, source);
            same(p, MAX_POD_STEP, p.podStepText, p.podStep, podStepText, podStep, line, source);
        }
        int expected = p.configs.size();
        if (!INTEGER.matcher(actionText).matches() || !actionText.replaceFirst("^\\+?0*(?=\\d)", "")
                .equals(Integer.toString(expected))) {
            throw ProfileFormatException.csv(source, line, ACTION, "'" + actionText + "' is not valid (expected "
                    + expected + ": the actions of service '" + name + "' are numbered 0, 1, 2, ... in file order)");
        }
        p.configs.add(new ServiceConfig(cpu, concurrency, latency));
        p.lastLine = line;
        return p;
    }

    private static void same(Pending p, String column, String firstText, double first, String text, double value,
                             long line, String source) {
        if (first != value) {
            throw ProfileFormatException.csv(source, line, column, "'" + text + "' differs from '" + firstText
                    + "' on line " + p.firstLine + " (expected the same value on every row of service '" + p.name
                    + "')");
        }
    }

    private static String cell(CSVRecord rec, Map<String, Integer> header, String column) {
        return rec.get(header.get(column)).trim();
    }

    /** The number in {@code s}, refused unless it is &gt; 0 and in {@code limit}'s range. */
    private static double positive(String s, long line, String column, String source, Limit limit) {
        if (s.isEmpty()) {
            throw ProfileFormatException.csv(source, line, column, "'' is an empty cell " + POSITIVE);
        }
        if (!NUMBER.matcher(s).matches()) {
            throw ProfileFormatException.csv(source, line, column, "'" + s + "' is not a number " + POSITIVE);
        }
        double v = Double.parseDouble(s);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw ProfileFormatException.csv(source, line, column, "'" + s + "' is not valid " + POSITIVE);
        }
        if (!limit.contains(v)) {
            throw ProfileFormatException.csv(source, line, column, "'" + s + "' is out of range (expected a number "
                    + limit.range() + ")");
        }
        return v;
    }

    private static int podStep(String s, long line, String source) {
        if (s.isEmpty()) {
            return 0;
        }
        if (INTEGER.matcher(s).matches()) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                // too large: fall through
            }
        }
        throw ProfileFormatException.csv(source, line, MAX_POD_STEP, "'" + s + "' is not valid " + POD_STEP);
    }

}

package dev.kdrl.train.eval;

import dev.kdrl.core.io.IoReasons;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A line chart written as PNG with Java2D (headless; no plotting dependency): several named series,
 * axes with rounded ticks, a legend. Enough for learning curves and forecast-versus-actual plots.
 */
public final class LinePlot {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    private record Series(String name, double[] x, double[] y) {
    }

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; {@code x == null} plots against the index. Non-finite points are skipped. */
    public LinePlot add(String name, double[] x, double[] y) {
        if (x != null && x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
        }
        double[] xs = x;
        if (xs == null) {
            xs = new double[y.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = i;
            }
        }
        series.add(new Series(name, xs.clone(), y.clone()));
        return this;
    }

    /** {@code dir/name-suffix.png} for {@code dir/name.png}: one file per series when several are plotted. */
    public static Path sibling(Path png, String suffix) {
        String name = png.getFileName().toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        return png.resolveSibling(base + "-" + suffix + ".png");
    }

    /** Renders and writes the PNG (parent directories are created). */
    public void write(Path png, int width, int height) {
        writeStacked(List.of(this), png, width, height);
    }

    /** Several plots stacked vertically in one PNG, each {@code heightEach} pixels high. */
    public static void writeStacked(List<LinePlot> plots, Path png, int width, int heightEach) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(width, heightEach * plots.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            for (int k = 0; k < plots.size(); k++) {
                Graphics2D panel = (Graphics2D) g.create(0, k * heightEach, width, heightEach);
                try {
                    plots.get(k).draw(panel, width, heightEach);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (!ImageIO.write(img, "png", png.toFile())) {
                throw new IOException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + png + ": " + IoReasons.of(e), e);
        }
    }

    private void draw(Graphics2D g, int width, int height) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.y.length; i++) {
                if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                    xmin = Math.min(xmin, s.x[i]);
                    xmax = Math.max(xmax, s.x[i]);
                    ymin = Math.min(ymin, s.y[i]);
                    ymax = Math.max(ymax, s.y[i]);
                }
            }
        }
        if (!Double.isFinite(xmin)) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        if (xmax == xmin) {
            xmax = xmin + 1;
        }
        if (ymax == ymin) {
            ymax = ymin + 1;
        }
        double[] yt = ticks(ymin, ymax);
        double[] xt = ticks(xmin, xmax);
        ymin = Math.min(ymin, yt[0]);
        ymax = Math.max(ymax, yt[yt.length - 1]);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 50;
        int pw = width - left - right;
        int ph = height - top - bottom;
        final double x0 = xmin;
        final double x1 = xmax;
        final double y0 = ymin;
        final double y1 = ymax;
        java.util.function.DoubleUnaryOperator px = v -> left + (v - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator py = v -> top + ph - (v - y0) / (y1 - y0) * ph;
        g.setColor(new Color(0xeeeeee));
        for (double t : yt) {
            int y = (int) Math.round(py.applyAsDouble(t));
            g.drawLine(left, y, left + pw, y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, pw, ph);
        for (double t : yt) {
            int y = (int) Math.round(py.applyAsDouble(t));
            String s = label(t);
            g.drawString(s, left - 6 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        for (double t : xt) {
            if (t < xmin || t > xmax) {
                continue;
            }
            int x = (int) Math.round(px.applyAsDouble(t));
            g.drawLine(x, top + ph, x, top + ph + 4);
            String s = label(t);
            g.drawString(s, x - fm.stringWidth(s) / 2, top + ph + 6 + fm.getAscent());
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, top - 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(xLabel, left + pw / 2 - fm.stringWidth(xLabel) / 2, height - 12);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + ph / 2) - fm.stringWidth(yLabel) / 2, 16);
        g.rotate(Math.PI / 2);
        g.setStroke(new BasicStroke(1.5f));
        int legendY = top + 16;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < s.y.length; i++) {
                if (!Double.isFinite(s.x[i]) || !Double.isFinite(s.y[i])) {
                    pen = false;
                    continue;
                }
                double x = px.applyAsDouble(s.x[i]);
                double y = py.applyAsDouble(s.y[i]);
                if (pen) {
                    path.lineTo(x, y);
                } else {
                    path.moveTo(x, y);
                    pen = true;
                }
            }
            g.draw(path);
            g.fillRect(left + 10, legendY - 8, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name, left + 30, legendY - 3);
            legendY += 16;
        }
    }

    /** About five round tick values covering {@code [lo, hi]}. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        double start = Math.floor(lo / step) * step;
        int n = (int) Math.ceil((hi - start) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = start + i * step;
        }
        return t;
    }

    private static String label(double v) {
        if (Math.abs(v) >= 1e6) {
            return String.format(Locale.ROOT, "%.2gM", v / 1e6);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}

package dev.kdrl.train.sweep;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.train.sweep.SweepReport.SetStats;
import dev.kdrl.train.sweep.SweepReport.SettingStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
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
 * The report's PNG (Java2D, headless): one column per setting, best ranked first; in each, per evaluation set, the
 * mean return over seeds as % of greedy (a dot) and the worst to best seed (a bar); the validation score (mean over
 * the validation sets) as a black diamond with its worst and best seed; a dashed line at 100 % (greedy).
 */
final class SpreadPlot {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private SpreadPlot() {
    }

    static void write(SweepReport.Report r, Path png) {
        System.setProperty("java.awt.headless", "true");
        List<SettingStats> settings = r.settings();
        int n = settings.size();
        List<String> sets = new ArrayList<>();
        settings.get(0).sets().forEach(s -> sets.add(s.name()));
        int columnWidth = Math.max(Math.max(90, 22 * (sets.size() + 2)), (520 - 70) / n);
        int left = 70;
        int right = 190;
        int top = 50;
        int bottom = 150;
        int width = left + right + columnWidth * n;
        int height = 560;
        double lo = 100;
        double hi = 100;
        for (SettingStats s : settings) {
            for (SetStats t : s.sets()) {
                lo = Math.min(lo, finite(100 * t.model().worst() / t.greedy(), lo));
                hi = Math.max(hi, finite(100 * t.model().best() / t.greedy(), hi));
            }
        }
        double pad = Math.max(0.5, (hi - lo) * 0.05);
        double y0 = Math.floor(lo - pad);
        double y1 = Math.ceil(hi + pad);
        int ph = height - top - bottom;
        java.util.function.DoubleUnaryOperator py = v -> top + ph - (v - y0) / (y1 - y0) * ph;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            double step = niceStep((y1 - y0) / 8);
            for (double t = Math.ceil(y0 / step) * step; t <= y1 + 1e-9; t += step) {
                int y = (int) Math.round(py.applyAsDouble(t));
                g.setColor(new Color(0xeeeeee));
                g.drawLine(left, y, left + columnWidth * n, y);
                g.setColor(Color.DARK_GRAY);
                String label = String.format(Locale.ROOT, step < 1 ? "%.1f" : "%.0f", t);
                g.drawString(label, left - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
            }
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            int y100 = (int) Math.round(py.applyAsDouble(100));
            g.drawLine(left, y100, left + columnWidth * n, y100);
            g.setStroke(new BasicStroke(2f));
            g.setColor(Color.DARK_GRAY);
            g.drawRect(left, top, columnWidth * n, ph);
            for (int i = 0; i < n; i++) {
                SettingStats s = settings.get(i);
                int x0 = left + i * columnWidth;
                int slot = columnWidth / (sets.size() + 2);
                for (int k = 0; k < s.sets().size(); k++) {
                    SetStats t = s.sets().get(k);
                    int x = x0 + slot * (k + 1);
                    g.setColor(PALETTE[k % PALETTE.length]);
                    bar(g, x, py.applyAsDouble(100 * t.model().worst() / t.greedy()),
                            py.applyAsDouble(100 * t.model().best() / t.greedy()), py.applyAsDouble(t.pctGreedy()), false);
                }
                g.setColor(Color.BLACK);
                SweepReport.Stats v = s.scorePerSeed();
                bar(g, x0 + slot * (s.sets().size() + 1), py.applyAsDouble(v.worst()), py.applyAsDouble(v.best()),
                        py.applyAsDouble(s.score()), true);
                g.setColor(new Color(0xcccccc));
                if (i > 0) {
                    g.drawLine(x0, top, x0, top + ph);
                }
                g.setColor(Color.BLACK);
                Graphics2D rot = (Graphics2D) g.create();
                rot.translate(x0 + columnWidth / 2 + 4, top + ph + 8);
                rot.rotate(Math.PI / 4);
                rot.drawString("#" + (i + 1) + " " + shorten(s.id(), 40), 0, 0);
                rot.dispose();
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString("% of greedy per setting: mean over seeds (dot), worst to best seed (bar)", left, top - 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int ly = top + 10;
            for (int k = 0; k < sets.size(); k++) {
                g.setColor(PALETTE[k % PALETTE.length]);
                g.fillOval(left + columnWidth * n + 14, ly - 8, 8, 8);
                g.setColor(Color.BLACK);
                boolean valid = settings.get(0).sets().get(k).validation();
                g.drawString(sets.get(k) + (valid ? " (validation)" : ""), left + columnWidth * n + 28, ly);
                ly += 18;
            }
            g.fillPolygon(new int[] {left + columnWidth * n + 18, left + columnWidth * n + 23,
                left + columnWidth * n + 18, left + columnWidth * n + 13}, new int[] {ly - 10, ly - 5, ly, ly - 5}, 4);
            g.drawString("validation score (ranks)", left + columnWidth * n + 28, ly);
        } finally {
            g.dispose();
        }
        try {
            Path parent = png.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + png + ": " + IoReasons.of(e), e);
        }
    }

    private static void bar(Graphics2D g, int x, double yWorst, double yBest, double yMean, boolean diamond) {
        if (Double.isFinite(yWorst) && Double.isFinite(yBest)) {
            g.drawLine(x, (int) Math.round(yWorst), x, (int) Math.round(yBest));
            g.drawLine(x - 4, (int) Math.round(yWorst), x + 4, (int) Math.round(yWorst));
            g.drawLine(x - 4, (int) Math.round(yBest), x + 4, (int) Math.round(yBest));
        }
        if (Double.isFinite(yMean)) {
            int y = (int) Math.round(yMean);
            if (diamond) {
                g.fillPolygon(new int[] {x, x + 6, x, x - 6}, new int[] {y - 6, y, y + 6, y}, 4);
            } else {
                g.fillOval(x - 4, y - 4, 9, 9);
            }
        }
    }

    private static double finite(double v, double dflt) {
        return Double.isFinite(v) ? v : dflt;
    }

    private static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}

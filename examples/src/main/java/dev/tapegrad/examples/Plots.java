package dev.tapegrad.examples;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The pictures of the examples, headless: line charts (XChart) and grids of grey-level or colour
 * images, written as PNG files.
 */
public final class Plots {
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
        new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    private Plots() {}

    /** The output directory of an example: the first argument, else {@code target/examples}; created if missing. */
    static Path outputDir(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/examples");
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * A line chart under construction: named series of (x, y) points, optionally log-scaled axes.
     */
    public static final class Chart {
        private final String title;
        private final String xTitle;
        private final String yTitle;
        private final Map<String, double[][]> series = new LinkedHashMap<>();
        private boolean logX;
        private boolean logY;
        private boolean markers = true;
        private Styler.LegendPosition legend = Styler.LegendPosition.InsideNE;

        /** A chart with the given title and axis titles. */
        public Chart(String title, String xTitle, String yTitle) {
            this.title = title;
            this.xTitle = xTitle;
            this.yTitle = yTitle;
        }

        /** Adds a series; x and y must have the same length. Returns this. */
        public Chart series(String name, double[] x, double[] y) {
            if (x.length != y.length) {
                throw new IllegalArgumentException("Plots.Chart.series '" + name + "': " + x.length + " x values and "
                        + y.length + " y values");
            }
            series.put(name, new double[][] {x.clone(), y.clone()});
            return this;
        }

        /** Logarithmic axes. Returns this. */
        public Chart log(boolean x, boolean y) {
            logX = x;
            logY = y;
            return this;
        }

        /** Where the legend goes (default inside, top right). Returns this. */
        public Chart legend(Styler.LegendPosition position) {
            legend = position;
            return this;
        }

        /** Whether points get markers (default true). Returns this. */
        public Chart markers(boolean on) {
            markers = on;
            return this;
        }

        /** Renders the chart (width × height pixels). */
        public BufferedImage render(int width, int height) {
            System.setProperty("java.awt.headless", "true");
            XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                    .yAxisTitle(yTitle).build();
            XYStyler st = c.getStyler();
            st.setChartBackgroundColor(Color.WHITE);
            st.setPlotBackgroundColor(Color.WHITE);
            st.setLegendPosition(legend);
            st.setMarkerSize(5);
            st.setXAxisLogarithmic(logX);
            st.setYAxisLogarithmic(logY);
            if (logY) {            // whole decades, so that no point falls off XChart's automatic range
                double lo = Double.POSITIVE_INFINITY, hi = 0;
                for (double[][] xy : series.values()) {
                    for (double v : xy[1]) {
                        if (v > 0 && Double.isFinite(v)) {
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                        }
                    }
                }
                if (hi > 0) {
                    st.setYAxisMin(Math.pow(10, Math.floor(Math.log10(lo))));
                    st.setYAxisMax(Math.pow(10, Math.ceil(Math.log10(hi))));
                }
            }
            int i = 0;
            for (Map.Entry<String, double[][]> e : series.entrySet()) {
                XYSeries s = c.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
                Color col = PALETTE[i++ % PALETTE.length];
                s.setLineColor(col);
                s.setMarkerColor(col);
                s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            }
            return BitmapEncoder.getBufferedImage(c);
        }

        /** Writes the chart as a 720 × 480 PNG and returns the file. */
        public Path write(Path file) throws IOException {
            return Plots.write(render(720, 480), file);
        }
    }

    /** Several images side by side (top-aligned, white background). */
    public static BufferedImage sideBySide(BufferedImage... images) {
        int w = 0, h = 0;
        for (BufferedImage im : images) {
            w += im.getWidth();
            h = Math.max(h, im.getHeight());
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage im : images) {
            g.drawImage(im, x, 0, null);
            x += im.getWidth();
        }
        g.dispose();
        return out;
    }

    /**
     * A grid of grey-level images with a caption above each row.
     *
     * @param rows     per row, images of {@code height × width} values, row-major
     * @param captions one caption per row (may be empty strings)
     * @param height   image height in values
     * @param width    image width in values
     * @param scale    pixels per value
     * @param lo       value drawn black
     * @param hi       value drawn white
     */
    public static BufferedImage greyGrid(List<List<double[]>> rows, List<String> captions, int height, int width,
            int scale, double lo, double hi) {
        int cols = 0;
        for (List<double[]> r : rows) {
            cols = Math.max(cols, r.size());
        }
        int gap = Math.max(3, scale), caption = 18;
        int cellW = width * scale + gap, cellH = height * scale + gap;
        BufferedImage out = new BufferedImage(Math.max(200, cols * cellW + gap), rows.size() * (cellH + caption) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int r = 0; r < rows.size(); r++) {
            int y0 = r * (cellH + caption) + caption + gap;
            g.setColor(Color.BLACK);
            g.drawString(captions.get(r), gap, y0 - 5);
            for (int c = 0; c < rows.get(r).size(); c++) {
                double[] im = rows.get(r).get(c);
                int x0 = gap + c * cellW;
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) {
                        double t = (im[i * width + j] - lo) / (hi - lo);
                        int v = (int) Math.round(255 * Math.max(0, Math.min(1, t)));
                        g.setColor(new Color(v, v, v));
                        g.fillRect(x0 + j * scale, y0 + i * scale, scale, scale);
                    }
                }
            }
        }
        g.dispose();
        return out;
    }

    /** Splits {@code images} into rows of at most {@code perRow}. */
    static List<List<double[]>> rowsOf(List<double[]> images, int perRow) {
        List<List<double[]>> rows = new ArrayList<>();
        for (int i = 0; i < images.size(); i += perRow) {
            rows.add(new ArrayList<>(images.subList(i, Math.min(images.size(), i + perRow))));
        }
        return rows;
    }

    /** Writes {@code image} as PNG to {@code file} (its directory must exist) and returns the file. */
    public static Path write(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("Plots.write: cannot write " + file + ": directory " + parent + " does not exist");
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("Plots.write: no PNG writer available for " + file);
        }
        return file;
    }
}

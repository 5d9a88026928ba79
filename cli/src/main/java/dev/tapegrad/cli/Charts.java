package dev.tapegrad.cli;

import dev.tapegrad.nn.History;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Draws the loss and accuracy curves of a training run (training and validation) side by side
 * in one PNG or JPEG with XChart, headless.
 */
final class Charts {

    private Charts() {
    }

    /**
     * Writes the curves.
     *
     * @param history the run
     * @param title   a title, for example the data set and layers
     * @param file    the picture to write: PNG, or JPEG for a name ending in .jpg or .jpeg
     *                (replaced atomically: a failed write leaves no partial file)
     * @return the file written
     * @throws IOException if it cannot be written
     */
    static Path writeCurves(History history, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        javax.imageio.ImageIO.setUseCache(false);   // in memory: no temporary file in java.io.tmpdir
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CliException("cannot write " + file + ": directory " + parent + " does not exist");
        }
        double[] epochs = new double[history.epochs()];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        XYChart loss = chart(title + ": loss", "loss", org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        add(loss, "training", epochs, history.loss(), new Color(31, 119, 180));
        add(loss, "validation", epochs, history.valLoss(), new Color(255, 127, 14));
        XYChart acc = chart(title + ": accuracy", "accuracy", org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        add(acc, "training", epochs, history.accuracy(), new Color(31, 119, 180));
        add(acc, "validation", epochs, history.valAccuracy(), new Color(255, 127, 14));

        java.awt.image.BufferedImage left = BitmapEncoder.getBufferedImage(loss);
        java.awt.image.BufferedImage right = BitmapEncoder.getBufferedImage(acc);
        java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = both.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        if (!OutputTargets.isPicture(file)) {
            throw new CliException("usage: --plot " + file + ": name the file .png, .jpg or .jpeg");
        }
        String format = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? "png" : "jpg";
        dev.tapegrad.nn.AtomicFiles.write(file, os -> {
            if (!javax.imageio.ImageIO.write(both, format, os)) {
                throw new IOException("no " + format + " image writer in this JVM");
            }
        });
        return file;
    }

    private static XYChart chart(String title, String yTitle, org.knowm.xchart.style.Styler.LegendPosition legend) {
        XYChart c = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(legend);
        c.getStyler().setMarkerSize(5);
        return c;
    }

    private static void add(XYChart chart, String name, double[] x, double[] y, Color color) {
        if (y.length == 0 || Arrays.stream(y).allMatch(Double::isNaN)) {
            return;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
    }
}

package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** REFERENCES R1 to the printed digits: forward pass, gradients, updated weights, both update orders. */
class MazurNetworkTest {

    /** |actual − expected| within half a unit of the last printed digit. */
    static void printed(double expected, double actual, double lastDigit, String what) {
        assertEquals(expected, actual, lastDigit / 2, what);
    }

    @Test
    void forwardPassAndGradientsMatchThePost() {
        MazurNetwork net = new MazurNetwork();
        double[] h = net.hiddenOut().toArray();
        printed(0.593269992, h[0], 1e-9, "out_h1");
        printed(0.596884378, h[1], 1e-9, "out_h2");
        printed(1.105905967, net.outputNet().toArray()[0], 1e-9, "net_o1");
        double[] o = net.outputs();
        printed(0.75136507, o[0], 1e-8, "out_o1");
        printed(0.772928465, o[1], 1e-9, "out_o2");
        printed(0.298371109, net.error(), 1e-9, "E_total");
        double[] g = net.gradients();
        printed(0.082167041, g[4], 1e-9, "dE/dw5");
        printed(0.000438568, g[0], 1e-9, "dE/dw1");
    }

    @Test
    void allEightUpdatedWeightsAfterOneStep() {
        MazurNetwork net = new MazurNetwork();
        net.stepTrueGradient();
        double[] w = net.weights();
        double[] published = {0.149780716, 0.19956143, 0.24975114, 0.29950229,
                              0.35891648, 0.408666186, 0.511301270, 0.561370121};
        double[] digit = {1e-9, 1e-8, 1e-8, 1e-8, 1e-8, 1e-9, 1e-9, 1e-9};
        for (int i = 0; i < 8; i++) {
            printed(published[i], w[i], digit[i], "w" + (i + 1) + "+");
        }
    }

    @Test
    void trueGradientDescentOneAndTenThousandSteps() {
        MazurNetwork net = new MazurNetwork();
        net.stepTrueGradient();
        printed(0.291027774, net.error(), 1e-9, "E after one step");
        for (int i = 1; i < 10_000; i++) {
            net.stepTrueGradient();
        }
        printed(3.51019e-5, net.error(), 1e-10, "E after 10,000 steps");
        double[] o = net.outputs();
        printed(0.01591362, o[0], 1e-8, "out_o1");
        printed(0.98406427, o[1], 1e-8, "out_o2");
    }

    @Test
    void layerByLayerOrderGivesThePublishedErrors() {
        MazurNetwork net = new MazurNetwork();
        net.stepLayerByLayer();
        printed(0.291027924, net.error(), 1e-9, "E after one step");
        for (int i = 1; i < 10_000; i++) {
            net.stepLayerByLayer();
        }
        printed(3.50848e-5, net.error(), 1e-10, "E after 10,000 steps");
        double[] o = net.outputs();
        printed(0.015912196, o[0], 1e-9, "out_o1");
        printed(0.984065734, o[1], 1e-9, "out_o2");
    }
}

package dev.tapegrad.bench;

import dev.tapegrad.kernels.MatMul;
import dev.tapegrad.kernels.Parallel;

/**
 * Prints, as key=value lines, what the kernels chose in this JVM: the matmul micro-kernel (vector
 * width and tile), the thread count, and the JVM. {@link Compare} runs it with each JVM it
 * benchmarks, with the same flags as the JMH forks, so that the table says what ran.
 */
public final class KernelInfo {
    private KernelInfo() {}

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("kernel=" + MatMul.kernelName());
        System.out.println("threads=" + Parallel.threads());
        System.out.println("jvm=" + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    }
}

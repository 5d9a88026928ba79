package dev.tapegrad.spark;

import org.apache.spark.BarrierTaskContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums the shards' flat vectors (gradients and batch figures) across the tasks of a barrier stage,
 * adding all shards in shard order so that every replica gets the same bits whatever the number of
 * tasks. The barrier stage guarantees that all tasks run at once; one
 * {@link BarrierTaskContext#allGather(String)} at the start tells every task where task 0 listens
 * (Spark's all-gather sleeps in 1 s steps while it waits, far too slow for every step). Then,
 * per step, each task sends its shards' vectors to task 0 over TCP, task 0 adds them in shard
 * order and sends the sum back: 2 × vector × 8 bytes per task and step, 2 × (tasks − 1) times that
 * at task 0.
 *
 * <p>A task that fails closes its sockets, so the others fail too and Spark retries the stage.
 */
final class GradientExchange implements AutoCloseable {

    /** Read timeout after which a waiting task checks whether Spark has killed it. */
    private static final int POLL_MILLIS = 1000;

    private final BarrierTaskContext context;
    private final ShardLayout layout;
    private final int length;
    private final int worker;
    private ServerSocket server;
    private final List<Socket> peers = new ArrayList<>();   // task 0: tasks 1.. in order; others: task 0
    private final byte[] ownBytes;
    private long nanos;

    /**
     * Connects the tasks (task 0 listens, the others connect to it).
     *
     * @param context the barrier task
     * @param layout  the shards and workers
     * @param length  doubles per shard vector
     * @throws IOException if the connection fails
     */
    GradientExchange(BarrierTaskContext context, ShardLayout layout, int length) throws IOException {
        this.context = context;
        this.layout = layout;
        this.length = length;
        this.worker = context.partitionId();
        int own = layout.firstShard(worker + 1) - layout.firstShard(worker);
        this.ownBytes = new byte[own * length * Double.BYTES];
        String host = context.getTaskInfos()[worker].address().split(":")[0];
        String message = "";
        if (worker == 0) {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(0));
            server.setSoTimeout(POLL_MILLIS);
            message = host + ":" + server.getLocalPort();
        }
        String root = context.allGather(message)[0];
        if (layout.workers() == 1) {
            return;
        }
        if (worker == 0) {
            Socket[] byWorker = new Socket[layout.workers()];
            for (int k = 1; k < layout.workers(); k++) {
                Socket s = accept();
                s.setSoTimeout(POLL_MILLIS);
                s.setTcpNoDelay(true);
                byte[] id = new byte[4];
                readFully(s.getInputStream(), id);
                int w = ByteBuffer.wrap(id).getInt();
                if (w < 1 || w >= byWorker.length || byWorker[w] != null) {
                    s.close();
                    throw new IOException("GradientExchange: unexpected connection from task " + w);
                }
                byWorker[w] = s;
            }
            for (int w = 1; w < byWorker.length; w++) {
                peers.add(byWorker[w]);
            }
        } else {
            int colon = root.lastIndexOf(':');
            Socket s = new Socket(root.substring(0, colon), Integer.parseInt(root.substring(colon + 1)));
            s.setSoTimeout(POLL_MILLIS);
            s.setTcpNoDelay(true);
            peers.add(s);
            s.getOutputStream().write(ByteBuffer.allocate(4).putInt(worker).array());
            s.getOutputStream().flush();
        }
    }

    private Socket accept() throws IOException {
        while (true) {
            try {
                return server.accept();
            } catch (SocketTimeoutException e) {
                checkKilled();
            }
        }
    }

    /**
     * @param own this task's shard vectors, in shard order, each of {@code length}
     * @return the sum over all shards of all tasks, added in shard order
     * @throws IOException if a peer fails
     */
    double[] sum(double[][] own) throws IOException {
        long t0 = System.nanoTime();
        ByteBuffer out = ByteBuffer.wrap(ownBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] v : own) {
            for (double d : v) {
                out.putDouble(d);
            }
        }
        double[] total = new double[length];
        if (worker == 0) {
            add(total, ownBytes, own.length);
            for (int w = 1; w < layout.workers(); w++) {
                int shards = layout.firstShard(w + 1) - layout.firstShard(w);
                byte[] in = new byte[shards * length * Double.BYTES];
                readFully(peers.get(w - 1).getInputStream(), in);
                add(total, in, shards);
            }
            byte[] result = toBytes(total);
            for (Socket s : peers) {
                s.getOutputStream().write(result);
                s.getOutputStream().flush();
            }
        } else {
            Socket root = peers.get(0);
            root.getOutputStream().write(ownBytes);
            root.getOutputStream().flush();
            byte[] in = new byte[length * Double.BYTES];
            readFully(root.getInputStream(), in);
            ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(total);
        }
        nanos += System.nanoTime() - t0;
        return total;
    }

    private void add(double[] total, byte[] bytes, int shards) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < shards; s++) {
            for (int k = 0; k < length; k++) {
                total[k] += in.getDouble();
            }
        }
    }

    private static byte[] toBytes(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
        return b.array();
    }

    /** Reads exactly {@code buf.length} bytes, checking for a kill at every read timeout. */
    private void readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int r;
            try {
                r = in.read(buf, off, buf.length - off);
            } catch (SocketTimeoutException e) {
                checkKilled();
                continue;
            }
            if (r < 0) {
                throw new IOException("GradientExchange: task " + worker + " lost its peer after " + off + " of "
                        + buf.length + " bytes (another task failed)");
            }
            off += r;
        }
    }

    private void checkKilled() throws IOException {
        if (context.isInterrupted()) {
            throw new IOException("GradientExchange: task " + worker + " was killed while waiting for its peers");
        }
    }

    /** @return seconds spent in {@link #sum} so far (encoding, sending, waiting, adding) */
    double seconds() {
        return nanos / 1e9;
    }

    /** @return bytes this task sends per step (it receives one vector back) */
    long messageBytes() {
        return ownBytes.length;
    }

    /** Closes the sockets, so that peers waiting for this task fail at once. */
    @Override
    public void close() {
        for (Socket s : peers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}

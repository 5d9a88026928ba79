package dev.tapegrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * {@link LinalgOps#einsum} reduced to existing ops: each operand's repeated labels become
 * diagonals, labels nobody else needs are summed out, operands are contracted pairwise (left to
 * right) with one batched matmul each, and the result is summed and permuted to the output.
 * Labels are ints: a letter is its char code, broadcast ("...") axis {@code p} is {@code ELLIPSIS + p}.
 */
final class Einsum {
    private Einsum() {}

    private static final int ELLIPSIS = 1 << 16;

    /** An operand during the reduction: its tensor and one label per axis. */
    private record Term(Tensor t, List<Integer> labels) {}

    static Tensor apply(String subscripts, Tensor[] operands) {
        String eq = subscripts.replace(" ", "");
        String where = "einsum: subscripts '" + subscripts + "' with operand shapes " + shapes(operands);
        int arrow = eq.indexOf("->");
        String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
        String[] terms = lhs.split(",", -1);
        if (terms.length != operands.length) {
            throw new IllegalArgumentException(where + ": " + terms.length + " input terms for " + operands.length + " operands");
        }
        int ellRank = 0;
        int[] ellOf = new int[terms.length];
        for (int i = 0; i < terms.length; i++) {
            String s = terms[i];
            int dots = s.indexOf("...");
            int letters = dots < 0 ? s.length() : s.length() - 3;
            checkLetters(where, dots < 0 ? s : s.replace("...", ""));
            if (dots >= 0 && s.indexOf("...", dots + 1) >= 0) {
                throw new IllegalArgumentException(where + ": term '" + s + "' has more than one '...'");
            }
            int e = operands[i].rank() - letters;
            if (e < 0 || (dots < 0 && e != 0)) {
                throw new IllegalArgumentException(where + ": term '" + s + "' names " + letters + " axes but operand "
                        + i + " has " + operands[i].rank());
            }
            ellOf[i] = dots < 0 ? -1 : e;
            ellRank = Math.max(ellRank, Math.max(e, 0));
        }
        List<List<Integer>> labels = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            labels.add(parse(terms[i], ellOf[i], ellRank));
        }
        List<Integer> output;
        if (arrow < 0) {
            output = new ArrayList<>();
            for (int p = 0; p < ellRank; p++) {
                output.add(ELLIPSIS + p);
            }
            TreeSet<Integer> once = new TreeSet<>();
            for (int c : lhs.replace("...", "").replace(",", "").chars().toArray()) {
                if (lhs.chars().filter(x -> x == c).count() == 1) {
                    once.add(c);
                }
            }
            output.addAll(once);
        } else {
            String rhs = eq.substring(arrow + 2);
            checkLetters(where, rhs.replace("...", ""));
            output = parse(rhs, rhs.contains("...") ? ellRank : -1, ellRank);
            for (int l : output) {
                if (output.indexOf(l) != output.lastIndexOf(l)) {
                    throw new IllegalArgumentException(where + ": output label '" + name(l) + "' repeats");
                }
                if (labels.stream().noneMatch(ls -> ls.contains(l))) {
                    throw new IllegalArgumentException(where + ": output label '" + name(l) + "' is in no input term");
                }
            }
        }
        checkSizes(where, labels, operands);
        // each operand: diagonals of repeated labels, then sums over labels used nowhere else
        List<Term> work = new ArrayList<>();
        for (int i = 0; i < operands.length; i++) {
            Term t = new Term(operands[i], new ArrayList<>(labels.get(i)));
            t = diagonals(t);
            List<Integer> others = new ArrayList<>(output);
            for (int j = 0; j < operands.length; j++) {
                if (j != i) {
                    others.addAll(labels.get(j));
                }
            }
            work.add(sumOut(t, others));
        }
        Term cur = work.get(0);
        for (int i = 1; i < work.size(); i++) {
            List<Integer> later = new ArrayList<>(output);
            for (int j = i + 1; j < work.size(); j++) {
                later.addAll(work.get(j).labels());
            }
            Term nxt = work.get(i);
            List<Integer> keepCur = new ArrayList<>(later);
            keepCur.addAll(nxt.labels());
            List<Integer> keepNxt = new ArrayList<>(later);
            keepNxt.addAll(cur.labels());
            cur = contract(sumOut(cur, keepCur), sumOut(nxt, keepNxt), later);
        }
        cur = sumOut(cur, output);
        int[] perm = new int[output.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = cur.labels().indexOf(output.get(i));
        }
        return cur.t().permute(perm);
    }

    private static void checkLetters(String where, String s) {
        for (char c : s.toCharArray()) {
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException(where + ": '" + c + "' is not a subscript letter (a-z, A-Z) or '...'");
            }
        }
    }

    private static List<Integer> parse(String term, int ellipsisAxes, int ellRank) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < term.length(); k++) {
            if (term.startsWith("...", k)) {
                for (int j = 0; j < ellipsisAxes; j++) {
                    out.add(ELLIPSIS + ellRank - ellipsisAxes + j);
                }
                k += 2;
            } else {
                out.add((int) term.charAt(k));
            }
        }
        return out;
    }

    private static String name(int label) {
        return label >= ELLIPSIS ? "...(axis " + (label - ELLIPSIS) + ")" : String.valueOf((char) label);
    }

    /** Letters must agree in size everywhere; broadcast axes must be equal or 1. */
    private static void checkSizes(String where, List<List<Integer>> labels, Tensor[] operands) {
        java.util.Map<Integer, Integer> size = new java.util.HashMap<>();
        for (int i = 0; i < operands.length; i++) {
            List<Integer> ls = labels.get(i);
            for (int a = 0; a < ls.size(); a++) {
                int l = ls.get(a), d = operands[i].shape[a];
                Integer prev = size.get(l);
                boolean broadcast = l >= ELLIPSIS;
                if (prev == null || (broadcast && prev == 1)) {
                    size.put(l, d);
                } else if (prev != d && !(broadcast && d == 1)) {
                    throw new IllegalArgumentException(where + ": label '" + name(l) + "' has sizes " + prev + " and " + d);
                }
            }
        }
    }

    /** Takes the diagonal of each label that occurs twice in a term, until all are distinct. */
    private static Term diagonals(Term t) {
        Tensor x = t.t();
        List<Integer> ls = t.labels();
        for (int i = 0; i < ls.size(); i++) {
            int j = ls.lastIndexOf(ls.get(i));
            if (j != i) {
                int l = ls.get(i);
                x = ArrayOps.diagonal(x, 0, i, j);
                ls.remove(j);
                ls.remove(i);
                ls.add(l);
                i = -1;
            }
        }
        return new Term(x, ls);
    }

    /** Sums the axes whose labels are not in {@code keep}. */
    private static Term sumOut(Term t, List<Integer> keep) {
        Tensor x = t.t();
        List<Integer> ls = new ArrayList<>(t.labels());
        for (int a = ls.size() - 1; a >= 0; a--) {
            if (!keep.contains(ls.get(a))) {
                x = x.sum(a);
                ls.remove(a);
            }
        }
        return new Term(x, ls);
    }

    /** {@code a ⋅ b} over their shared labels: shared and still needed are a batch, others contracted. */
    private static Term contract(Term a, Term b, List<Integer> later) {
        List<Integer> batch = new ArrayList<>(), contr = new ArrayList<>(), freeA = new ArrayList<>(), freeB = new ArrayList<>();
        for (int l : a.labels()) {
            (b.labels().contains(l) ? (later.contains(l) ? batch : contr) : freeA).add(l);
        }
        for (int l : b.labels()) {
            if (!a.labels().contains(l)) {
                freeB.add(l);
            }
        }
        Tensor ta = a.t(), tb = b.t();
        // broadcast size-1 shared axes ("..." axes) to the other operand's size
        int[] sa = ta.shape(), sb = tb.shape();
        for (int l : batch) {
            int ia = a.labels().indexOf(l), ib = b.labels().indexOf(l);
            sa[ia] = sb[ib] = Math.max(sa[ia], sb[ib]);
        }
        for (int l : contr) {
            int ia = a.labels().indexOf(l), ib = b.labels().indexOf(l);
            sa[ia] = sb[ib] = Math.max(sa[ia], sb[ib]);
        }
        ta = ta.broadcastTo(sa);
        tb = tb.broadcastTo(sb);
        List<Integer> orderA = concat(batch, freeA, contr), orderB = concat(batch, contr, freeB);
        Tensor pa = ta.permute(positions(a.labels(), orderA)), pb = tb.permute(positions(b.labels(), orderB));
        int nb = product(sa, a.labels(), batch), m = product(sa, a.labels(), freeA);
        int k = product(sa, a.labels(), contr), n = product(sb, b.labels(), freeB);
        Tensor prod = pa.reshape(nb, m, k).matmul(pb.reshape(nb, k, n));
        List<Integer> outLabels = concat(batch, freeA, freeB);
        int[] outShape = new int[outLabels.size()];
        for (int i = 0; i < outShape.length; i++) {
            int l = outLabels.get(i);
            outShape[i] = a.labels().contains(l) ? sa[a.labels().indexOf(l)] : sb[b.labels().indexOf(l)];
        }
        return new Term(prod.reshape(outShape), outLabels);
    }

    @SafeVarargs
    private static List<Integer> concat(List<Integer>... parts) {
        List<Integer> out = new ArrayList<>();
        for (List<Integer> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    private static int[] positions(List<Integer> labels, List<Integer> order) {
        int[] p = new int[order.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = labels.indexOf(order.get(i));
        }
        return p;
    }

    private static int product(int[] shape, List<Integer> labels, List<Integer> which) {
        int n = 1;
        for (int l : which) {
            n *= shape[labels.indexOf(l)];
        }
        return n;
    }

    private static String shapes(Tensor[] operands) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < operands.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Arrays.toString(operands[i].shape));
        }
        return sb.toString();
    }
}

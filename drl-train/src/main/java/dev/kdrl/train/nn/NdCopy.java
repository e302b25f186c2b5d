package dev.kdrl.train.nn;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies between Java arrays and the native memory of whole (not a view), contiguous row-major ND4J arrays of type
 * DOUBLE or FLOAT, without allocating native memory (unlike {@code Nd4j.create(double[][])} or
 * {@code toDoubleMatrix()}, which allocate per call). FLOAT arrays are written rounded to float and read
 * widened exactly.
 */
public final class NdCopy {

    private NdCopy() {
    }

    private static void requireContiguous(INDArray a) {
        if (a.offset() != 0 || a.elementWiseStride() != 1 || a.rank() > 1 && a.ordering() != 'c' && !a.isVector()) {
            throw new IllegalArgumentException("not a whole contiguous row-major array: " + a.shapeInfoToString());
        }
        if (a.dataType() != DataType.DOUBLE && a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("only DOUBLE and FLOAT arrays, got " + a.dataType());
        }
    }

    /** Writes {@code rows} ({@code cols} each) into the first rows of {@code dst}. */
    public static void write(INDArray dst, double[][] rows, int cols) {
        requireContiguous(dst);
        if ((long) rows.length * cols > dst.length()) {
            throw new IllegalArgumentException(rows.length + " x " + cols + " values do not fit " + dst.length());
        }
        if (dst.dataType() == DataType.DOUBLE) {
            DoublePointer p = (DoublePointer) dst.data().addressPointer();
            for (int r = 0; r < rows.length; r++) {
                check(rows[r], cols, r);
                p.position((long) r * cols).put(rows[r], 0, cols);
            }
        } else {
            FloatPointer p = (FloatPointer) dst.data().addressPointer();
            float[] f = new float[cols];
            for (int r = 0; r < rows.length; r++) {
                check(rows[r], cols, r);
                for (int c = 0; c < cols; c++) {
                    f[c] = (float) rows[r][c];
                }
                p.position((long) r * cols).put(f, 0, cols);
            }
        }
    }

    private static void check(double[] row, int cols, int r) {
        if (row.length != cols) {
            throw new IllegalArgumentException("row " + r + " has " + row.length + " values, expected " + cols);
        }
    }

    /** Writes {@code values} over the whole of {@code dst}. */
    public static void write(INDArray dst, double[] values) {
        requireContiguous(dst);
        if (values.length != dst.length()) {
            throw new IllegalArgumentException(values.length + " values for an array of " + dst.length());
        }
        if (dst.dataType() == DataType.DOUBLE) {
            ((DoublePointer) dst.data().addressPointer()).position(0).put(values, 0, values.length);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            ((FloatPointer) dst.data().addressPointer()).position(0).put(f, 0, f.length);
        }
    }

    /** The whole of {@code src} as one flat array. */
    public static double[] read(INDArray src) {
        requireContiguous(src);
        int n = Math.toIntExact(src.length());
        double[] out = new double[n];
        if (src.dataType() == DataType.DOUBLE) {
            ((DoublePointer) src.data().addressPointer()).position(0).get(out, 0, n);
        } else {
            float[] f = new float[n];
            ((FloatPointer) src.data().addressPointer()).position(0).get(f, 0, n);
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    /** The first {@code n} rows of {@code cols} values of {@code src}. */
    public static double[][] rows(INDArray src, int n, int cols) {
        requireContiguous(src);
        double[][] out = new double[n][cols];
        if (src.dataType() == DataType.DOUBLE) {
            DoublePointer p = (DoublePointer) src.data().addressPointer();
            for (int r = 0; r < n; r++) {
                p.position((long) r * cols).get(out[r], 0, cols);
            }
        } else {
            FloatPointer p = (FloatPointer) src.data().addressPointer();
            float[] f = new float[cols];
            for (int r = 0; r < n; r++) {
                p.position((long) r * cols).get(f, 0, cols);
                for (int c = 0; c < cols; c++) {
                    out[r][c] = f[c];
                }
            }
        }
        return out;
    }
}

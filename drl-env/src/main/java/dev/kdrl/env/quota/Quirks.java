package dev.kdrl.env.quota;

/**
 * The published environment's quirks, each switchable so the paper profile is the general model plus
 * these flags (see {@code docs/spec/paper-environment.md}). {@link #NONE} is the general model.
 *
 * @param truncateRequestedCores step 2: requested cores {@code trunc(pods * cpu)} instead of the exact product
 * @param changeSumsFirstTwoOnly step 4: the scale-down check sums services 0 and 1 only, never the others
 * @param float32Resources       resources are stored as 32-bit floats between steps
 * @param paperEpisode           fixed first observation, trace row 0 never used, a 200-step time limit whose
 *                               last step rewards at half weight without the overlap check and does not
 *                               advance the observation; shorter traces play {@code rows - 1} ordinary steps
 */
public record Quirks(boolean truncateRequestedCores, boolean changeSumsFirstTwoOnly, boolean float32Resources,
                     boolean paperEpisode) {

    /** The general model: no quirk. */
    public static final Quirks NONE = new Quirks(false, false, false, false);

    /** Every quirk of the published environment. */
    public static final Quirks PAPER = new Quirks(true, true, true, true);

    public boolean any() {
        return truncateRequestedCores || changeSumsFirstTwoOnly || float32Resources || paperEpisode;
    }
}

package dev.kdrl.env.paper;

import dev.kdrl.env.quota.InitialState;
import dev.kdrl.env.quota.Quirks;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import dev.kdrl.env.trace.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The published environment (Tran &amp; Kim, FGCS 160, 2024): three services ({@code house},
 * {@code senti}, {@code numbr}) under a 40-core quota, with every quirk of the original code
 * ({@link Quirks#PAPER}). See {@code docs/spec/paper-environment.md}.
 */
public final class PaperProfile {
    /** The namespace quota in cores. */
    public static final double QUOTA = 40;

    private static final double[][] HOUSE = {
        {1.5, 10, 1100}, {2, 10, 690}, {2, 15, 1000}, {2.5, 10, 500}, {2.5, 15, 730}, {2.5, 20, 890},
        {2.5, 25, 1100}, {3, 10, 390}, {3, 20, 700}, {3, 30, 900}, {3, 35, 960}, {3.5, 10, 340},
        {3.5, 20, 530}, {3.5, 30, 530}, {3.5, 40, 990}, {3.5, 45, 1000}, {4, 10, 230}, {4, 20, 450},
        {4, 30, 670}, {4, 40, 820}, {4, 50, 1000}, {4, 60, 1100}};
    private static final double[][] SENTI = {
        {2, 10, 1500}, {2, 15, 2200}, {3, 10, 1000}, {3, 15, 1500}, {4, 10, 800}, {4, 15, 1300}, {4, 20, 2000}};
    private static final double[][] NUMBR = {
        {0.5, 10, 900}, {1, 10, 420}, {1, 15, 630}, {1, 20, 800}, {2, 10, 370}, {2, 15, 560}, {2, 20, 700},
        {2, 25, 860}};

    private static final QuotaModel MODEL = new QuotaModel(services(), QUOTA, 0, Quirks.PAPER,
            new InitialState(new int[] {21, 6, 7}, new int[] {1, 2, 1}, new double[] {4, 8, 4},
                    new double[] {10, 25, 34, 20, 64, 28, 10, 55, 16}));

    private PaperProfile() {
    }

    /** The three services with their measured profiles. */
    public static List<ServiceProfile> services() {
        return List.of(
                new ServiceProfile("house", 1200, 730, 0, configs(HOUSE)),
                new ServiceProfile("senti", 2200, 1500, 2, configs(SENTI)),
                new ServiceProfile("numbr", 900, 630, 0, configs(NUMBR)));
    }

    /** The exact published model. */
    public static QuotaModel model() {
        return MODEL;
    }

    /** The published services as the general model (no quirks, one pod minimum). */
    public static QuotaModel generalModel() {
        return QuotaModel.general(services(), QUOTA, 1);
    }

    /** An exact published environment over {@code trace} (columns house, senti, numbr). */
    public static QuotaEnv env(Trace trace) {
        return new QuotaEnv(MODEL, trace);
    }

    private static List<ServiceConfig> configs(double[][] rows) {
        List<ServiceConfig> list = new ArrayList<>(rows.length);
        for (double[] r : rows) {
            list.add(new ServiceConfig(r[0], r[1], r[2]));
        }
        return list;
    }
}

package org.ecmpipe.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.math.BigInteger;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.api.SubmissionFormat;
import org.ecmpipe.server.DashboardQueries.Filter;
import org.ecmpipe.server.DashboardQueries.WorkGroup;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;

/**
 * The dashboard's routes: {@code /} (overview), {@code /composites} ({@code ?project= &status= &page= &size=}),
 * {@code /composites/{id}} ({@code ?page=} of its attempts), {@code /factors} and {@code /leases} ({@code ?page=}). Each reads its page
 * through {@link DashboardQueries} (the connection is back in the pool before anything is computed), then works out
 * t-levels and renders. A malformed parameter is a 400 page naming it; a page past the last shows the last; an
 * unknown composite is a 404 page.
 */
final class DashboardPages {
    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 200;
    static final int OVERVIEW_ROWS = 20;
    private static final int MAX_PAGE_DIGITS = 9;

    /** A refused page request: its status and the message the HTML page shows. */
    static final class PageError extends RuntimeException {
        final int status;

        PageError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final DashboardQueries queries;
    private final Clock clock;

    DashboardPages(DashboardQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/", this::overview);
        app.get("/composites", this::composites);
        app.get("/composites/{id}", this::details);
        app.get("/leases", this::leases);
        app.get("/factors", this::factors);
        app.exception(PageError.class, (e, ctx) -> ctx.status(e.status).html(Dashboard.error(e.status, e.getMessage())));
    }

    private void overview(Context ctx) {
        DashboardQueries.Overview o = queries.overview(OVERVIEW_ROWS);
        ctx.html(Dashboard.overview(o, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)));
    }

    private void composites(Context ctx) {
        Filter filter = new Filter(project(ctx), status(ctx));
        int page = page(ctx);
        ctx.html(Dashboard.composites(queries.composites(filter, page, size(ctx)), filter, page));
    }

    private void details(Context ctx) {
        String text = ctx.pathParam("id");
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new PageError(404, "There is no composite \"" + LogText.safe(text) + "\": composites are numbered 1, 2, 3, ...");
        }
        long id = Long.parseLong(text);
        int page = page(ctx);
        Optional<DashboardQueries.Details> details = queries.details(id, page, size(ctx));
        if (details.isEmpty()) {
            throw new PageError(404, "There is no composite #" + id + ".");
        }
        ctx.html(Dashboard.details(details.get(), workRows(details.get()), page));
    }

    private void factors(Context ctx) {
        int page = page(ctx);
        ctx.html(Dashboard.factors(queries.factors(page, size(ctx)), page));
    }

    private void leases(Context ctx) {
        int page = page(ctx);
        ctx.html(Dashboard.leases(queries.leases(page, size(ctx)), page));
    }

    /**
     * The composite's work as rows: per kind, the curves through stage 2 at their B2 and those that ran stage 1 only,
     * each with the t-level it gives alone (GMP-ECM's model, for the number's size, as {@link TLevelBook} counts it).
     */
    static List<Dashboard.WorkRow> workRows(DashboardQueries.Details d) {
        BigInteger number = new BigInteger(d.composite().number());
        boolean ntt = TLevel.nttByDefault(number);
        List<Dashboard.WorkRow> rows = new ArrayList<>();
        for (WorkGroup g : d.work()) {
            String param = Integer.toString(g.param());
            boolean modelled = "ecm".equals(g.method()) && g.b1().signum() > 0 && g.b1().bitLength() < 63 && g.param() >= 0 && g.param() <= 3;
            if (!modelled) {
                rows.add(new Dashboard.WorkRow(g.method(), g.b1().toString(), g.b2() == null ? "default" : g.b2().toString(), param,
                        g.attempts(), g.stage1(), null, g.last()));
                continue;
            }
            long b1 = g.b1().longValueExact();
            for (WorkItem item : WorkItem.ofRun(g.stage1(), g.stage2(), b1, g.b2(), g.b2Default(), g.param(), number)) {
                String b2 = item.b2() == null ? "default (" + TLevel.defaultB2(b1, ntt) + ")"
                        : item.b2().signum() == 0 ? "stage 1 only" : item.b2().toString();
                double t = item.curves() == 0 ? 0 : TLevel.of(List.of(item));
                rows.add(new Dashboard.WorkRow(g.method(), g.b1().toString(), b2, param, g.attempts(), item.curves(), t, g.last()));
            }
        }
        return rows;
    }

    /** {@code ?page=}: 1 when absent; a whole number from 1 (a page past the last shows the last). */
    static int page(Context ctx) {
        String text = ctx.queryParam("page");
        if (text == null || text.isEmpty()) {
            return 1;
        }
        if (text.length() > MAX_PAGE_DIGITS || !text.chars().allMatch(ch -> ch >= '0' && ch <= '9') || Integer.parseInt(text) < 1) {
            throw new PageError(400, "page must be a whole number from 1 to 999999999, not \"" + LogText.safe(text) + "\"");
        }
        return Integer.parseInt(text);
    }

    /** {@code ?size=}: rows a page, 1 to {@link #MAX_SIZE} ({@link #DEFAULT_SIZE} when absent). */
    static int size(Context ctx) {
        String text = ctx.queryParam("size");
        if (text == null || text.isEmpty()) {
            return DEFAULT_SIZE;
        }
        if (text.length() > 3 || !text.chars().allMatch(ch -> ch >= '0' && ch <= '9') || Integer.parseInt(text) < 1
                || Integer.parseInt(text) > MAX_SIZE) {
            throw new PageError(400, "size must be a whole number from 1 to " + MAX_SIZE + ", not \"" + LogText.safe(text) + "\"");
        }
        return Integer.parseInt(text);
    }

    private static String status(Context ctx) {
        String status = ctx.queryParam("status");
        if (status == null || status.isEmpty()) {
            return null;
        }
        if (!Filter.STATUSES.contains(status)) {
            throw new PageError(400, "status must be one of " + String.join(", ", Filter.STATUSES) + ", not \"" + LogText.safe(status) + "\"");
        }
        return status;
    }

    private static String project(Context ctx) {
        String project = ctx.queryParam("project");
        if (project == null || project.isEmpty()) {
            return null;
        }
        if (project.length() > 256 || SubmissionFormat.badCharacter(project, false) != null) {
            throw new PageError(400, "project must be at most 256 characters without control characters");
        }
        return project;
    }
}

package dev.eventconsumers.dailyreport;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report as a page a person would rather read: headline figures, two inline SVG bar charts (orders per hour,
 * revenue by status) and the top items. Self-contained: no script, no external style, font or image.
 */
final class ReportHtml {
    static final int CHART_WIDTH = 760;
    static final int CHART_HEIGHT = 220;

    private ReportHtml() {
    }

    static String render(DailyFigures f) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Daily report ").append(f.date).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:820px;color:#1f2933}")
                .append("h1{font-size:1.6rem;margin-bottom:.2rem}.sub{color:#616e7c;margin-top:0}")
                .append(".kpis{display:flex;gap:1rem;margin:1.5rem 0}.kpi{flex:1;background:#f0f4f8;border-radius:8px;")
                .append("padding:1rem}.kpi b{display:block;font-size:1.5rem}.kpi span{color:#616e7c;font-size:.85rem}")
                .append("svg{background:#fff;border:1px solid #d9e2ec;border-radius:8px}.bar{fill:#2680c2}")
                .append(".axis{font-size:10px;fill:#616e7c}table{border-collapse:collapse;width:100%}")
                .append("td,th{padding:.35rem .5rem;border-bottom:1px solid #e4e7eb;text-align:left}")
                .append("td.n,th.n{text-align:right}</style></head><body>\n");
        html.append("<h1>Orders on ").append(f.date).append("</h1><p class=\"sub\">")
                .append(escape(f.zone.getId())).append(", ").append(f.hours).append(" hours, from ")
                .append(f.from).append(" to ").append(f.to).append("</p>\n");
        html.append("<div class=\"kpis\">").append(kpi(Long.toString(f.orders), "orders"));
        // Amounts of different currencies never add up: one revenue and one average per currency.
        f.byCurrency.forEach((currency, figures) -> html
                .append(kpi(DailyFigures.money(figures[1], currency) + " " + currency, "revenue"))
                .append(kpi(DailyFigures.money(DailyFigures.averageCents(figures[1], figures[0], currency), currency)
                                    + " " + currency, "average order value")));
        html.append("</div>\n");

        List<ZonedDateTime> starts = f.hourStarts();
        List<String> hourLabels = new ArrayList<>();
        List<Long> hourValues = new ArrayList<>();
        for (int h = 0; h < f.hours; h++) {
            hourLabels.add(starts.get(h).format(DateTimeFormatter.ofPattern("HH")));
            hourValues.add(f.perHour[h]);
        }
        html.append("<h2>Orders per hour</h2>\n")
                .append(chart("orders-per-hour", hourLabels, hourValues, null)).append('\n');

        List<String> statusLabels = new ArrayList<>(f.statusOrders.keySet());
        for (String currency : f.byCurrency.keySet()) {
            List<Long> statusValues = new ArrayList<>();
            for (String status : statusLabels) {
                statusValues.add(f.statusRevenue.getOrDefault(status, Map.of()).getOrDefault(currency, 0L));
            }
            html.append("<h2>Revenue by status, ").append(escape(currency)).append("</h2>\n")
                    .append(chart("revenue-by-status-" + escape(currency), statusLabels, statusValues, currency))
                    .append('\n');
        }

        html.append("<h2>Top items</h2>\n<table><tr><th>item</th><th class=\"n\">orders</th>")
                .append("<th class=\"n\">quantity</th></tr>");
        for (Map.Entry<String, long[]> item : f.topItems()) {
            html.append("<tr><td>").append(escape(item.getKey())).append("</td><td class=\"n\">")
                    .append(item.getValue()[0]).append("</td><td class=\"n\">").append(item.getValue()[1])
                    .append("</td></tr>");
        }
        if (f.items.isEmpty()) {
            html.append("<tr><td colspan=\"3\">no orders this day</td></tr>");
        }
        html.append("</table>\n</body></html>\n");
        return html.toString();
    }

    private static String kpi(String value, String label) {
        return "<div class=\"kpi\"><b>" + escape(value) + "</b><span>" + escape(label) + "</span></div>";
    }

    /** One bar per label, each with a tooltip and its value written above it (an amount where a currency is named). */
    private static String chart(String id, List<String> labels, List<Long> values, String currency) {
        long max = Math.max(1, values.stream().mapToLong(Long::longValue).max().orElse(1));
        int left = 40;
        int bottom = 28;
        int top = 18;
        double slot = (CHART_WIDTH - left - 10) / (double) labels.size();
        double barWidth = Math.max(2, slot * 0.7);
        int plot = CHART_HEIGHT - bottom - top;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(CHART_WIDTH).append("\" height=\"").append(CHART_HEIGHT).append("\" viewBox=\"0 0 ")
                .append(CHART_WIDTH).append(' ').append(CHART_HEIGHT).append("\" role=\"img\">");
        svg.append("<line x1=\"").append(left).append("\" y1=\"").append(CHART_HEIGHT - bottom).append("\" x2=\"")
                .append(CHART_WIDTH - 10).append("\" y2=\"").append(CHART_HEIGHT - bottom)
                .append("\" stroke=\"#9aa5b1\"/>");
        for (int i = 0; i < labels.size(); i++) {
            long value = values.get(i);
            double height = plot * (value / (double) max);
            double x = left + i * slot + (slot - barWidth) / 2;
            double y = CHART_HEIGHT - bottom - height;
            String shown = currency != null ? DailyFigures.money(value, currency) : Long.toString(value);
            svg.append(String.format(java.util.Locale.ROOT,
                                     "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                                             + "<title>%s: %s</title></rect>",
                                     x, y, barWidth, height, escape(labels.get(i)), shown));
            svg.append(String.format(java.util.Locale.ROOT,
                                     "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                                     x + barWidth / 2, CHART_HEIGHT - bottom + 14, escape(labels.get(i))));
            if (value > 0) {
                svg.append(String.format(java.util.Locale.ROOT,
                                         "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                                         x + barWidth / 2, y - 3, shown));
            }
        }
        svg.append("</svg>");
        return svg.toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

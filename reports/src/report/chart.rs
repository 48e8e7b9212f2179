//! SVG charts drawn with plotters: lines over a logarithmic nnz axis, grouped bars, and a coloured
//! matrix. Each returns one `<svg>` element with a title, axis labels and a legend at its right.
//!
//! Text is emitted as SVG `<text>` (plotters' SVG backend without `ttf`): the browser lays it out, no
//! font is read here. plotters escapes the text it writes.

use std::io;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::html::NOT_RUN;

/// Narrowest legend strip at the right of a chart, pixels.
const LEGEND_MIN_WIDTH: u32 = 170;
/// Width of the plot of a line chart, legend excluded, pixels.
const LINE_PLOT_WIDTH: u32 = 550;
const FONT: &str = "sans-serif";
/// A bar's label when its interval contains 0: too small to tell from no difference.
pub const NO_DIFFERENCE_MARK: &str = "≈ 0";

/// The width of a legend strip that holds its longest label in full: the symbol takes 46 px and a
/// character of 16 px sans-serif at most 10 px (wider than the average, so no label is cut off).
fn legend_width<'a>(labels: impl Iterator<Item = &'a str>) -> u32 {
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    (46 + 10 * longest + 8).max(LEGEND_MIN_WIDTH)
}

/// The point marker of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A filled circle.
    Circle,
    /// A filled triangle.
    Triangle,
    /// A cross.
    Cross,
}

/// One line of a [`LineChart`].
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Line and marker colour.
    pub color: RGBColor,
    /// Marker at every point.
    pub marker: Marker,
    /// Dashed line (used for reference lines such as the memcpy floor).
    pub dashed: bool,
    /// Points `(x, y)`, x > 0 ascending.
    pub points: Vec<(f64, f64)>,
    /// Intervals `(x, lower, upper)` drawn as whiskers in the series' colour; empty for none.
    pub whiskers: Vec<(f64, f64, f64)>,
}

/// A line chart over a logarithmic x axis.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Title above the chart.
    pub title: String,
    /// x axis label with unit.
    pub x_label: String,
    /// y axis label with unit.
    pub y_label: String,
    /// Logarithmic y axis (all y must then be > 0).
    pub log_y: bool,
    /// The lines; those without points are left out of plot and legend.
    pub series: Vec<Series>,
}

/// One series of a [`BarChart`]: a value (or none) per category.
#[derive(Debug, Clone)]
pub struct BarSeries {
    /// Legend text.
    pub label: String,
    /// Bar colour.
    pub color: RGBColor,
    /// One value per category; `None` draws no bar.
    pub values: Vec<Option<f64>>,
    /// An interval `(lower, upper)` per category, drawn as a whisker over the bar; empty when the
    /// series has none.
    pub intervals: Vec<Option<(f64, f64)>>,
}

/// Grouped vertical bars, one group per category.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Title above the chart.
    pub title: String,
    /// x axis label.
    pub x_label: String,
    /// y axis label with unit.
    pub y_label: String,
    /// Category names along x.
    pub categories: Vec<String>,
    /// Bars of each category, side by side, in this order.
    pub series: Vec<BarSeries>,
}

/// One cell of a [`MatrixChart`].
#[derive(Debug, Clone)]
pub struct MatrixCell {
    /// Fill colour.
    pub fill: RGBColor,
    /// Text in the cell.
    pub text: String,
}

/// A grid of coloured, labelled cells (rows x columns).
#[derive(Debug, Clone)]
pub struct MatrixChart {
    /// Title above the chart.
    pub title: String,
    /// What the columns are.
    pub x_label: String,
    /// What the rows are.
    pub y_label: String,
    /// Row names, top to bottom.
    pub rows: Vec<String>,
    /// Column names, left to right.
    pub cols: Vec<String>,
    /// `cells[row][col]`.
    pub cells: Vec<Vec<MatrixCell>>,
    /// Legend: the meaning of each fill colour.
    pub legend: Vec<(String, RGBColor)>,
}

/// A legend entry's symbol.
enum Key {
    Line(RGBColor, Marker, bool),
    Swatch(RGBColor),
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn draw_err<E: std::error::Error + Send + Sync + 'static>(e: E) -> io::Error {
    io::Error::other(format!("cannot draw chart: {e}"))
}

/// Renders `draw` onto a fresh SVG of `size` pixels with `title` on top.
fn svg(
    size: (u32, u32),
    title: &str,
    draw: impl FnOnce(&Area<'_>, &Area<'_>) -> io::Result<()>,
) -> io::Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let body = root.titled(title, (FONT, 22)).map_err(draw_err)?;
        draw(&root, &body)?;
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// Text style of `size` px anchored at `pos`.
fn text(size: u32, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).pos(Pos::new(h, v))
}

/// Draws the legend entries top to bottom into `area`.
fn legend(area: &Area<'_>, entries: &[(String, Key)]) -> io::Result<()> {
    for (i, (label, key)) in entries.iter().enumerate() {
        let y = 30 + 20 * i as i32;
        match key {
            Key::Line(color, marker, dashed) => {
                let segments: &[(i32, i32)] = if *dashed {
                    &[(6, 14), (20, 28), (34, 40)]
                } else {
                    &[(6, 40)]
                };
                for &(a, b) in segments {
                    area.draw(&PathElement::new(
                        vec![(a, y), (b, y)],
                        color.stroke_width(2),
                    ))
                    .map_err(draw_err)?;
                }
                draw_marker(area, (23, y), *color, *marker)?;
            }
            Key::Swatch(color) => {
                area.draw(&Rectangle::new([(8, y - 7), (38, y + 7)], color.filled()))
                    .map_err(draw_err)?;
                area.draw(&Rectangle::new([(8, y - 7), (38, y + 7)], BLACK.mix(0.4)))
                    .map_err(draw_err)?;
            }
        }
        area.draw(&Text::new(
            label.as_str(),
            (46, y),
            text(16, HPos::Left, VPos::Center),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

/// Draws one marker at a position of `area` (pixels or chart coordinates).
fn draw_marker<CT>(
    area: &DrawingArea<SVGBackend<'_>, CT>,
    at: CT::From,
    color: RGBColor,
    marker: Marker,
) -> io::Result<()>
where
    CT: CoordTranslate,
{
    match marker {
        Marker::Circle => area.draw(&Circle::new(at, 4, color.filled())),
        Marker::Triangle => area.draw(&TriangleMarker::new(at, 5, color.filled())),
        Marker::Cross => area.draw(&Cross::new(at, 4, color.stroke_width(2))),
    }
    .map_err(draw_err)
}

/// A power-of-ten range around `values` (all > 0), at least one decade wide.
fn decades(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !(lo.is_finite() && lo > 0.0) {
        return 1.0..10.0;
    }
    let (mut a, mut b) = (lo.log10().floor(), hi.log10().ceil());
    if a == b {
        a -= 0.5;
        b += 0.5;
    }
    10f64.powf(a)..10f64.powf(b)
}

/// A padded linear range around `values` that includes 0.
fn linear(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.1).max(1.0);
    (lo - if lo < 0.0 { pad } else { 0.0 })..(hi + pad)
}

/// An axis number: `1e4` for powers of ten, otherwise [`fmt_num`].
pub fn fmt_axis(v: f64) -> String {
    let exp = v.abs().log10().round();
    if v > 0.0 && (v / 10f64.powf(exp) - 1.0).abs() < 1e-9 && exp.abs() >= 3.0 {
        format!("1e{exp}")
    } else {
        fmt_num(v)
    }
}

/// [`fmt_num`] with a `+` in front of positive numbers: a difference.
pub fn fmt_signed(v: f64) -> String {
    let sign = if v > 0.0 { "+" } else { "" };
    format!("{sign}{}", fmt_num(v))
}

/// A number with as many decimals as its size deserves (3 significant digits below 100).
pub fn fmt_num(v: f64) -> String {
    // The nudge keeps a rounding error just below a power of ten (9.999999999999998 for 10,
    // 0.0999999 for 0.1) at the precision of the number it stands for.
    let a = v.abs() * (1.0 + 1e-9);
    if a >= 100.0 || v == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        let decimals = (2.0 - a.log10().floor()) as usize;
        format!("{v:.decimals$}")
    }
}

/// Renders a line chart (nnz-like log x axis) as SVG.
pub fn line_chart(c: &LineChart) -> io::Result<String> {
    let series: Vec<&Series> = c.series.iter().filter(|s| !s.points.is_empty()).collect();
    let points = || {
        series.iter().flat_map(|s| {
            let ends = s
                .whiskers
                .iter()
                .flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)]);
            s.points.iter().copied().chain(ends)
        })
    };
    let x = decades(points().map(|p| p.0));
    let key_width = legend_width(series.iter().map(|s| s.label.as_str()));
    svg((LINE_PLOT_WIDTH + key_width, 380), &c.title, |_, body| {
        let (plot, key) = body.split_horizontally(LINE_PLOT_WIDTH);
        if c.log_y {
            let y: LogCoord<f64> = decades(points().map(|p| p.1)).log_scale().into();
            draw_lines(&plot, c, &series, x, y)?;
        } else {
            let y: RangedCoordf64 = linear(points().map(|p| p.1)).into();
            draw_lines(&plot, c, &series, x, y)?;
        }
        let entries: Vec<_> = series
            .iter()
            .map(|s| (s.label.clone(), Key::Line(s.color, s.marker, s.dashed)))
            .collect();
        legend(&key, &entries)
    })
}

fn draw_lines<Y>(
    area: &Area<'_>,
    c: &LineChart,
    series: &[&Series],
    x: std::ops::Range<f64>,
    y: Y,
) -> io::Result<()>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x.log_scale(), y)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&|v| fmt_axis(*v))
        .y_label_formatter(&|v| fmt_axis(*v))
        .axis_desc_style((FONT, 17))
        .label_style((FONT, 15))
        .draw()
        .map_err(draw_err)?;
    for s in series {
        let style = s.color.stroke_width(2);
        let pts = s.points.iter().copied();
        if s.dashed {
            chart.draw_series(DashedLineSeries::new(pts, 8, 5, style))
        } else {
            chart.draw_series(LineSeries::new(pts, style))
        }
        .map_err(draw_err)?;
        for &p in &s.points {
            draw_marker(chart.plotting_area(), p, s.color, s.marker)?;
        }
        for &(x, lo, hi) in &s.whiskers {
            chart
                .draw_series([PathElement::new(
                    vec![(x, lo), (x, hi)],
                    s.color.stroke_width(1),
                )])
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Renders grouped bars as SVG, each bar with its whisker (if any) and its value beyond the bar's
/// end: "not run" where it has none, [`NO_DIFFERENCE_MARK`] where its interval contains 0. Negative
/// values hang below the zero line.
pub fn bar_chart(c: &BarChart) -> io::Result<String> {
    let n = c.categories.len().max(1);
    let key_width = legend_width(c.series.iter().map(|s| s.label.as_str()));
    let plot_width = (200 + 110 * n as u32).clamp(560, 1100);
    let width = plot_width + key_width;
    let extent = |s: &BarSeries, i: usize| {
        let v = s.values.get(i).copied().flatten()?;
        let (lo, hi) = s.intervals.get(i).copied().flatten().unwrap_or((v, v));
        Some((v.min(lo), v.max(hi)))
    };
    let ends = c
        .series
        .iter()
        .flat_map(|s| (0..s.values.len()).filter_map(move |i| extent(s, i)))
        .flat_map(|(lo, hi)| [lo, hi]);
    let y = linear(ends.map(|v| v * 1.1));
    svg((width, 380), &c.title, |root, body| {
        let (plot, key) = body.split_horizontally(plot_width);
        let mut chart = ChartBuilder::on(&plot)
            .margin(8)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(0.0..n as f64, y.clone())
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .x_labels(0)
            .y_labels(8)
            .x_desc(c.x_label.as_str())
            .y_desc(c.y_label.as_str())
            .y_label_formatter(&|v| fmt_num(*v))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .draw()
            .map_err(draw_err)?;
        let slot = 0.8 / c.series.len().max(1) as f64;
        for (j, s) in c.series.iter().enumerate() {
            for (i, v) in s.values.iter().enumerate() {
                let x0 = i as f64 + 0.1 + slot * j as f64;
                let mid = x0 + slot / 2.0;
                let interval = s.intervals.get(i).copied().flatten();
                if let Some(v) = *v {
                    chart
                        .draw_series([Rectangle::new(
                            [(x0, 0.0), (x0 + slot, v)],
                            s.color.filled(),
                        )])
                        .map_err(draw_err)?;
                }
                if let Some((lo, hi)) = interval {
                    let cap = slot / 4.0;
                    for line in [
                        vec![(mid, lo), (mid, hi)],
                        vec![(mid - cap, lo), (mid + cap, lo)],
                        vec![(mid - cap, hi), (mid + cap, hi)],
                    ] {
                        chart
                            .draw_series([PathElement::new(line, BLACK.stroke_width(2))])
                            .map_err(draw_err)?;
                    }
                }
                let label = match (v, interval) {
                    (None, _) => NOT_RUN.to_owned(),
                    (Some(_), Some((lo, hi))) if lo <= 0.0 && 0.0 <= hi => {
                        NO_DIFFERENCE_MARK.into()
                    }
                    (Some(v), _) => fmt_num(*v),
                };
                let (lo, hi) = extent(s, i).unwrap_or((0.0, 0.0));
                let (anchor, end, offset) = if v.unwrap_or(0.0) < 0.0 {
                    (VPos::Top, lo, 3)
                } else {
                    (VPos::Bottom, hi, -3)
                };
                let (px, py) = chart.backend_coord(&(mid, end));
                root.draw(&Text::new(
                    label,
                    (px, py + offset),
                    text(14, HPos::Center, anchor),
                ))
                .map_err(draw_err)?;
            }
        }
        for (i, name) in c.categories.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, y.start));
            root.draw(&Text::new(
                name.as_str(),
                (px, py + 6),
                text(16, HPos::Center, VPos::Top),
            ))
            .map_err(draw_err)?;
        }
        let entries: Vec<_> = c
            .series
            .iter()
            .map(|s| (s.label.clone(), Key::Swatch(s.color)))
            .collect();
        legend(&key, &entries)
    })
}

/// Renders a matrix of coloured cells as SVG: column names on top, row names at the left.
pub fn matrix_chart(c: &MatrixChart) -> io::Result<String> {
    const CELL: (i32, i32) = (112, 34);
    const LEFT: i32 = 90;
    const TOP: i32 = 64;
    let grid_width = LEFT as u32 + CELL.0 as u32 * c.cols.len() as u32 + 20;
    let width = grid_width + legend_width(c.legend.iter().map(|(l, _)| l.as_str()));
    let height = 40 + TOP as u32 + CELL.1 as u32 * c.rows.len() as u32 + 20;
    svg((width, height), &c.title, |_, body| {
        let (grid, key) = body.split_horizontally(grid_width);
        let grid_width = CELL.0 * c.cols.len() as i32;
        let x_mid = LEFT + grid_width / 2;
        grid.draw(&Text::new(
            c.x_label.as_str(),
            (x_mid, 4),
            text(17, HPos::Center, VPos::Top),
        ))
        .map_err(draw_err)?;
        let y_mid = TOP + CELL.1 * c.rows.len() as i32 / 2;
        let rotated = text(17, HPos::Center, VPos::Top).transform(FontTransform::Rotate270);
        grid.draw(&Text::new(c.y_label.as_str(), (4, y_mid), rotated))
            .map_err(draw_err)?;
        for (j, name) in c.cols.iter().enumerate() {
            let x = LEFT + CELL.0 * j as i32 + CELL.0 / 2;
            grid.draw(&Text::new(
                name.as_str(),
                (x, TOP - 6),
                text(15, HPos::Center, VPos::Bottom),
            ))
            .map_err(draw_err)?;
        }
        for (i, (name, row)) in c.rows.iter().zip(&c.cells).enumerate() {
            let y = TOP + CELL.1 * i as i32;
            grid.draw(&Text::new(
                name.as_str(),
                (LEFT - 8, y + CELL.1 / 2),
                text(16, HPos::Right, VPos::Center),
            ))
            .map_err(draw_err)?;
            for (j, cell) in row.iter().enumerate() {
                let x = LEFT + CELL.0 * j as i32;
                let corners = [(x + 1, y + 1), (x + CELL.0 - 1, y + CELL.1 - 1)];
                grid.draw(&Rectangle::new(corners, cell.fill.filled()))
                    .map_err(draw_err)?;
                let centre = (x + CELL.0 / 2, y + CELL.1 / 2);
                grid.draw(&Text::new(
                    cell.text.as_str(),
                    centre,
                    text(15, HPos::Center, VPos::Center),
                ))
                .map_err(draw_err)?;
            }
        }
        let entries: Vec<_> = c
            .legend
            .iter()
            .map(|(l, color)| (l.clone(), Key::Swatch(*color)))
            .collect();
        legend(&key, &entries)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_by_size() {
        assert_eq!(fmt_num(123456.4), "123456");
        assert_eq!(fmt_num(42.04), "42.0");
        assert_eq!(fmt_num(5.0), "5.00");
        assert_eq!(fmt_num(0.1234), "0.123");
        assert_eq!(fmt_num(0.01234), "0.0123");
        assert_eq!(fmt_num(600600.0 / 600000.0 - 1.0), "0.00100");
        assert_eq!(fmt_num((0.9 - 1.0) * 100.0), "-10.0");
        assert_eq!(fmt_num(-7.5), "-7.50");
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_signed(3.0), "+3.00");
        assert_eq!(fmt_signed(-0.5), "-0.500");
        assert_eq!(fmt_signed(0.0), "0");
        assert_eq!(fmt_axis(1000.0), "1e3");
        assert_eq!(fmt_axis(100000.0), "1e5");
        assert_eq!(fmt_axis(100.0), "100");
        assert_eq!(fmt_axis(0.1), "0.100");
        assert_eq!(fmt_axis(2000.0), "2000");
    }

    #[test]
    fn ranges_cover_the_data() {
        assert_eq!(decades([1000.0, 100_000.0].into_iter()), 1000.0..100_000.0);
        assert_eq!(decades([1500.0, 20_000.0].into_iter()), 1000.0..100_000.0);
        let r = decades([1000.0].into_iter());
        assert!(r.start < 1000.0 && r.end > 1000.0);
        assert_eq!(decades(std::iter::empty()), 1.0..10.0);
        let r = linear([-5.0, 20.0].into_iter());
        assert!(r.start < -5.0 && r.end > 20.0);
        assert_eq!(linear([3.0].into_iter()).start, 0.0);
    }

    #[test]
    fn a_line_chart_has_title_axes_legend_and_points() {
        let chart = LineChart {
            title: "T <&> title".into(),
            x_label: "nnz".into(),
            y_label: "ns per nonzero".into(),
            log_y: true,
            series: vec![
                Series {
                    label: "raw u32".into(),
                    color: RGBColor(0, 0, 255),
                    marker: Marker::Circle,
                    dashed: false,
                    points: vec![(1e3, 5.0), (1e4, 4.2), (1e5, 4.6)],
                    whiskers: vec![(1e4, 4.0, 4.4)],
                },
                Series {
                    label: "empty".into(),
                    color: RGBColor(0, 0, 0),
                    marker: Marker::Cross,
                    dashed: true,
                    points: vec![],
                    whiskers: vec![],
                },
            ],
        };
        let svg = line_chart(&chart).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        for needle in [
            "T &lt;&amp;&gt; title",
            "nnz",
            "ns per nonzero",
            "raw u32",
            "1e3",
            "1e5",
        ] {
            assert!(svg.contains(needle), "{needle} missing");
        }
        assert!(
            !svg.contains(">empty<"),
            "a series without points has no legend entry"
        );
        assert_eq!(
            svg.matches("<circle").count(),
            3 + 1,
            "three points and the legend marker"
        );
    }

    #[test]
    fn bars_carry_whiskers_and_say_when_the_interval_holds_zero() {
        let label = "a rather long legend label that must not be cut";
        let svg = bar_chart(&BarChart {
            title: "t".into(),
            x_label: "kernel".into(),
            y_label: "time over raw (%)".into(),
            categories: vec!["a".into(), "b".into(), "c".into()],
            series: vec![BarSeries {
                label: label.into(),
                color: RGBColor(1, 2, 3),
                values: vec![Some(-4.4), Some(7.3), None],
                intervals: vec![Some((-8.0, -2.0)), Some((-1.0, 9.0)), None],
            }],
        })
        .unwrap()
        .replace(">\n", ">")
        .replace("\n<", "<");
        assert!(
            svg.contains(">-4.40<"),
            "a measurable negative bar keeps its value"
        );
        assert_eq!(svg.matches(&format!(">{NO_DIFFERENCE_MARK}<")).count(), 1);
        assert!(
            !svg.contains(">7.30<"),
            "an interval holding 0 hides the point"
        );
        assert!(svg.contains(">not run<"));
        // Two whiskers of three lines each.
        assert_eq!(
            svg.matches("stroke=\"#000000\" stroke-width=\"2\"").count(),
            6
        );
        let width: u32 = svg
            .split("width=\"")
            .nth(1)
            .and_then(|w| w.split('"').next())
            .and_then(|w| w.parse().ok())
            .unwrap();
        assert!(
            width >= 560 + 46 + 10 * label.len() as u32,
            "the legend strip fits its label ({width} px)"
        );
    }
}

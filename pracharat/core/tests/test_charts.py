import re
import xml.etree.ElementTree as ET

from pracharat.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own output; well-formed, or this raises


def test_bar_chart_escapes_labels_names_itself_and_scales_the_axis():
    svg = charts.bar_chart([0, 5, 12], ["<a>", "b", "c"], title='x"y')
    root = parse(svg)
    assert "<a>" not in svg and "&lt;a&gt;" in svg
    assert root.get("role") == "img" and root.get("aria-label") == 'x"y'
    assert root.find(f"{SVG}title").text == 'x"y'
    assert ">15<" in svg  # the axis tops out at the next nice number
    bars = root.findall(f"{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == ["<a>: 0", "b: 5", "c: 12"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == 0 and abs(heights[2] / heights[1] - 12 / 5) < 0.01


def test_bar_chart_has_no_inline_style_only_classes():
    svg = charts.bar_chart([1, 2], ["a", "b"], title="t", highlight_last=True)
    assert "style" not in svg and "fill=" not in svg and "stroke=" not in svg
    assert [b.get("class") for b in parse(svg).findall(f"{SVG}rect")] == ["bar", "bar last"]


def test_bar_chart_tips_sublabels_and_thinned_labels():
    svg = charts.bar_chart(
        [1, 2, 3, 4],
        ["J", "F", "M", "A"],
        tips=["January", "February", "March", "April"],
        sublabels=["2569", "", "", ""],
        tip_fmt=lambda v: f"{v:.2f}",
        label_every=2,
        title="t",
    )
    root = parse(svg)
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "J" in texts and "M" in texts and "A" in texts and "F" not in texts  # 0, 2, last
    assert texts.count("2569") == 1
    assert root.findall(f"{SVG}rect")[1].find(f"{SVG}title").text == "February: 2.00"


def test_line_chart_draws_one_line_per_series_with_a_legend():
    svg = charts.line_chart([("ผู้ใช้", [1, 4, 2]), ("<s>", [0, 1, 8])], ["1", "2", "3"], title="t")
    root = parse(svg)
    lines = root.findall(f"{SVG}polyline")
    assert [line.get("class") for line in lines] == ["line s0", "line s1"]
    assert len(lines[0].get("points").split()) == 3
    tips = [c.find(f"{SVG}title").text for c in root.findall(f"{SVG}circle")]
    assert tips[0] == "ผู้ใช้ · 1: 1" and tips[-1] == "<s> · 3: 8"
    assert "ผู้ใช้" in [t.text for t in root.findall(f"{SVG}text")]  # the legend
    # the highest value sits at the top of the plot, zero on the base line
    ys = [float(c.get("cy")) for c in root.findall(f"{SVG}circle")]
    assert min(ys) == ys[-1] and max(ys) == ys[3]


def test_a_single_line_has_no_legend_and_an_empty_chart_still_renders():
    svg = charts.line_chart([("users", [3, 3])], ["a", "b"], title="t")
    assert "users" not in [t.text for t in parse(svg).findall(f"{SVG}text")]
    parse(charts.bar_chart([], [], title="nothing"))
    parse(charts.line_chart([], [], title="nothing"))


def test_axis_helpers():
    assert charts.nice_ceiling(0.3) == 0.5 and charts.nice_ceiling(101) == 200
    assert charts.nice_ceiling(0) == 1
    assert charts.compact_number(1234) == "1.2k" and charts.compact_number(5) == "5"
    assert charts.compact_number(5_600_000) == "5.6M" and charts.compact_number(2.5) == "2.5"


def test_dot_map_draws_one_path_per_group_in_order():
    svg = charts.dot_map(
        [("active", [(17.0, 100.2)]), ("down", [(16.9, 100.1), (16.8, 100.0)]), ("x", [])],
        reference=[(16.95, 100.15)],
        title="points",
    )
    paths = parse(svg).findall(f"{SVG}path")
    assert [p.get("class") for p in paths] == ["dots ref", "dots active", "dots down"]
    assert len(re.findall("M", paths[2].get("d"))) == 2
    assert charts.dot_map([], title="t") == ""


def test_locator_puts_the_place_inside_its_square():
    root = parse(charts.locator(16.9, 100.1, reference=[(17.0, 100.3)], title="<here>"))
    assert root.get("aria-label") == "<here>"
    here = root.find(f"{SVG}circle[@class='here']")
    assert 0 <= float(here.get("cx")) <= 160 and 0 <= float(here.get("cy")) <= 160

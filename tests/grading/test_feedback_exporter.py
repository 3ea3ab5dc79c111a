"""The fast feedback exporter renders what nbconvert's HTMLExporter renders."""

from __future__ import annotations

from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnfin.grading.adapter.feedback import NO_ALT, FeedbackExporter
from tests.pngs import tiny_png


def _notebook():
    plot = new_code_cell("plot()", outputs=[
        new_output("display_data", data={"image/png": tiny_png(), "text/plain": "<Figure>"}),
        new_output("stream", name="stdout", text="loss 0.072 after one step\n")])
    table = new_code_cell("table", outputs=[new_output("execute_result", execution_count=2, data={
        "text/html": "<table><tr><td>4.67</td></tr></table>", "text/plain": "4.67"})])
    return new_notebook(cells=[new_markdown_cell("# MSE\nThe mean of $(y - \\hat y)^2$ and ![](x.png)."),
                               plot, table])


def test_same_page_as_nbconvert_without_the_second_parse():
    nb = _notebook()
    ours, _ = FeedbackExporter().from_notebook_node(nb)
    theirs, _ = HTMLExporter().from_notebook_node(nb)
    ours_soup, theirs_soup = BeautifulSoup(ours, "html.parser"), BeautifulSoup(theirs, "html.parser")
    assert ours_soup.get_text() == theirs_soup.get_text()
    alts = [[i.get("alt") for i in soup.find_all("img")] for soup in (ours_soup, theirs_soup)]
    assert alts[0] == alts[1]
    assert NO_ALT in ours and ours.count('tabindex="0"') == theirs.count('tabindex="0"') > 0
    assert len(ours_soup.find_all(True)) == len(theirs_soup.find_all(True))

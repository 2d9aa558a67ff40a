"""Pictures of a project, drawn with altair: each function returns a chart you can show, change or save.

>>> import workbench as wb
>>> p = wb.sample_project(copy_to="tmp-sample")
>>> chart = wb.charts.frequency_heatmap(p, by="setting")
>>> wb.charts.save(wb.charts.code_network(p), "web.png")
PosixPath('web.png')

Pictures of analysis (:mod:`~workbench.charts.frequencies`, :mod:`~workbench.charts.network`,
:mod:`~workbench.charts.story`, :mod:`~workbench.charts.timelines`) and of agreement
(:mod:`~workbench.charts.agreement`, :mod:`~workbench.charts.disagreement`) share one set of
helpers: code colours and axes, labels, the row limit.

In a notebook, charts show without internet and without a setup call: the workbench draws them
with Vega bundled in, as SVG that screen readers can read, each chart with its own legend however
many share a page (:func:`use_offline_renderer` chooses another way).

Every chart has a title, tooltips and the codebook's colours, and aggregates its data in pandas
first, so it stays far below altair's 5,000-row limit even on a million codings. Tooltips never
show the words of a narrative whose consent is ``"restricted"`` (see
:data:`workbench.consent.RESTRICTED`).
"""

from __future__ import annotations

from ._base import INACTIVE_COLOR, MAX_ROWS, ChartError
from .agreement import REFERENCE_LINES, agreement_chart, coder_pair_heatmap, pairwise_agreement
from .disagreement import disagreement_map
from .frequencies import coder_bars, frequency_heatmap
from .network import code_network, cooccurrence_heatmap
from .render import save, use_offline_renderer
from .story import story_strip
from .themes import pile_sort_heatmap, theme_map, theme_support, theme_timeline
from .timelines import code_use, codebook_timeline, memo_timeline
from .words import word_bars

__all__ = ["use_offline_renderer", "save", "frequency_heatmap", "coder_bars", "cooccurrence_heatmap",
           "code_network", "story_strip", "codebook_timeline", "memo_timeline", "code_use", "ChartError",
           "MAX_ROWS", "INACTIVE_COLOR", "agreement_chart", "coder_pair_heatmap", "disagreement_map",
           "pairwise_agreement", "REFERENCE_LINES", "word_bars", "theme_map", "theme_support", "theme_timeline",
           "pile_sort_heatmap"]

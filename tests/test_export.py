"""Label Studio export reading: both formats, the annotation choice rule, every kind of broken span."""

import copy
import json

import pytest

from conflict_ie import AnnotationError, LabelConfig, load_annotations, read_export

TEXT = "Le groupe Boko Haram a attaqué Diffa avec trois drones 😀 à 2\u00a0000 mètres."


def span(start, end, label, text=TEXT):
    return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def full_task(task_id=1, result=None, **annotation):
    result = [span(10, 20, "ACTOR"), span(31, 36, "LOCATION"), span(42, 47, "COUNT"), span(48, 54, "WEAPON")] \
        if result is None else result
    return {"id": task_id, "data": {"text": TEXT, "source": "wire"},
            "annotations": [{"id": 10 * task_id, "result": result, "was_cancelled": False, "ground_truth": False,
                             "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
                             **annotation}]}


def test_full_export_from_path(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([full_task(1), full_task(2)]), encoding="utf-8")
    docs = load_annotations(path)
    assert [d.id for d in docs] == ["1", "2"]
    assert [(s.text, s.label) for s in docs[0].spans] == [("Boko Haram", "ACTOR"), ("Diffa", "LOCATION"),
                                                          ("trois", "COUNT"), ("drones", "WEAPON")]
    assert docs[0].meta == {"source": "wire"}
    assert all(docs[0].text[s.start:s.end] == s.text for s in docs[0].spans)


def test_json_min_export():
    task = {"id": 7, "text": TEXT, "label": [span(10, 20, "ACTOR")["value"], span(31, 36, "LOCATION")["value"]],
            "annotator": 1, "annotation_id": 3}
    (doc,) = load_annotations([task])
    assert doc.id == "7" and [s.text for s in doc.spans] == ["Boko Haram", "Diffa"]


def test_astral_and_nbsp_offsets_are_code_points():
    start = TEXT.index("2\u00a0000")
    (doc,) = load_annotations([full_task(result=[span(start, start + 5, "COUNT")])])
    assert doc.spans[0].text == "2\u00a0000"


def test_annotation_choice_ground_truth_then_most_recent_not_cancelled():
    task = full_task(result=[span(10, 20, "ACTOR")], updated_at="2024-01-01T00:00:00Z")
    newer = {"id": 2, "result": [span(31, 36, "LOCATION")], "was_cancelled": False, "ground_truth": False,
             "updated_at": "2024-06-01T00:00:00Z"}
    cancelled = {"id": 3, "result": [span(48, 54, "WEAPON")], "was_cancelled": True, "ground_truth": False,
                 "updated_at": "2025-01-01T00:00:00Z"}
    task["annotations"] += [newer, cancelled]
    assert [s.label for s in load_annotations([task])[0].spans] == ["LOCATION"]
    task["annotations"][0]["ground_truth"] = True
    assert [s.label for s in load_annotations([task])[0].spans] == ["ACTOR"]


def test_tasks_without_usable_annotation_are_reported_not_dropped_silently(caplog):
    unannotated = {"id": 5, "data": {"text": TEXT}, "annotations": []}
    cancelled = full_task(6, was_cancelled=True)
    report = read_export([full_task(1), unannotated, cancelled])
    assert [d.id for d in report.documents] == ["1"]
    assert [(s.task_id, s.reason) for s in report.skipped] == [(5, "no annotation that is not cancelled"),
                                                              (6, "no annotation that is not cancelled")]
    assert "skipped 2 of 3 tasks" in caplog.text


def test_non_span_results_are_counted_and_ignored():
    relation = {"type": "relation", "from_id": "r10", "to_id": "r31", "direction": "right"}
    choice = {"type": "choices", "from_name": "topic", "to_name": "text", "value": {"choices": ["war"]}}
    report = read_export([full_task(result=[span(10, 20, "ACTOR"), relation, choice])])
    assert len(report.documents[0].spans) == 1 and report.ignored_results == 2


@pytest.mark.parametrize("bad_value, message", [
    ({"start": 60, "end": 200, "labels": ["ACTOR"]}, "offsets outside the text"),
    ({"start": 5, "end": 5, "labels": ["ACTOR"]}, "offsets outside the text"),
    ({"start": 10, "end": 20, "text": "Boko Harem", "labels": ["ACTOR"]}, "text disagrees with the offsets"),
    ({"start": 10, "end": 20, "text": "Boko Haram", "labels": ["PERSON"]}, "unknown label 'PERSON'"),
    ({"start": 10, "end": 20, "text": "Boko Haram", "labels": ["ACTOR", "WEAPON"]}, "exactly one label"),
    ({"start": "10", "end": 20, "labels": ["ACTOR"]}, "must be integers"),
])
def test_broken_span_names_task_span_and_reason(bad_value, message):
    result = [span(31, 36, "LOCATION"), {"type": "labels", "from_name": "label", "to_name": "text",
                                         "value": bad_value}]
    with pytest.raises(AnnotationError, match=message) as info:
        load_annotations([full_task(42, result=result)])
    assert str(info.value).startswith("task 42:")
    assert info.value.task_id == 42


def test_overlapping_spans_rejected():
    with pytest.raises(AnnotationError, match=r"task 3: spans overlap: ACTOR 10-20 'Boko Haram' and ACTOR 15-25"):
        load_annotations([full_task(3, result=[span(10, 20, "ACTOR"), span(15, 25, "ACTOR")])])


@pytest.mark.parametrize("payload, message", [
    ({"id": 1, "data": {"text": TEXT}}, "is not valid JSON"),
    ({"id": 1}, "got one object"),
    ("just text", "got str"),
])
def test_broken_files_rejected(tmp_path, payload, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(payload)[:-1] if message == "is not valid JSON" else json.dumps(payload))
    with pytest.raises(AnnotationError, match=message):
        load_annotations(path)


def test_task_without_text_and_duplicate_ids():
    with pytest.raises(AnnotationError, match="task 9: task has no text under data key 'text'"):
        load_annotations([{"id": 9, "data": {"body": TEXT}, "annotations": [{"result": []}]}])
    with pytest.raises(AnnotationError, match="task 1: duplicated task id"):
        load_annotations([full_task(1), full_task(1)])


def test_skip_invalid_keeps_the_rest_and_counts():
    bad = full_task(2, result=[span(10, 20, "BOGUS")])
    report = read_export([full_task(1), copy.deepcopy(bad)], skip_invalid=True)
    assert [d.id for d in report.documents] == ["1"]
    assert len(report.skipped) == 1 and report.skipped[0].task_id == 2
    assert report.skipped[0].reason.startswith("span 10-20 'Boko Haram': unknown label 'BOGUS'")


def test_label_config_xml_drives_labels_and_keys(tmp_path):
    xml = ('<View><Labels name="ner" toName="body"><Label value="ACTOR"/><Label value="PLACE"/></Labels>'
           '<Text name="body" value="$content"/></View>')
    config = LabelConfig.from_xml(xml)
    assert config.labels == ("ACTOR", "PLACE") and config.text_key == "content" and config.from_name == "ner"
    task = {"id": 1, "data": {"content": TEXT}, "annotations": [{"result": [
        {**span(31, 36, "PLACE"), "from_name": "ner"}]}]}
    assert load_annotations([task], label_config=config)[0].spans[0].label == "PLACE"
    task["annotations"][0]["result"].append({**span(10, 20, "ACTOR"), "from_name": "ner"})
    task["annotations"][0]["result"].append({**span(42, 47, "COUNT"), "from_name": "ner"})
    with pytest.raises(AnnotationError, match="unknown label 'COUNT'; allowed: ACTOR, PLACE"):
        load_annotations([task], label_config=config)


def test_bundled_label_config_matches_the_spec():
    from conflict_ie import LABELS
    from conftest import ROOT

    config = LabelConfig.from_xml(ROOT / "data" / "label_config.xml")
    assert config.labels == LABELS
    assert LabelConfig.from_xml(config.to_xml()) == config

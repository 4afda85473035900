"""OWSLib against fjord's catalogue, seeded with the sample datasets and one restricted
record: each record as ISO 19139, the CSW 2.0.2 (capabilities, GetRecords with text,
bbox and CQL constraints, hits, paging, element sets, ISO output, GetRecordById,
GetDomain, and the exception reports of bad requests), OGC API - Records, and the
DCAT-AP-NO JSON-LD read as RDF by rdflib.
Usage: csw_check.py BASE_URL HIDDEN_UUID UUID...   (HIDDEN_UUID: the restricted record an
anonymous caller may not see; UUIDs: the records it sees)
Prints one line per check and closes with 'csw: N passed, N failed'; exit 1 on any failure.
Documents are also validated against the ISO 19139 and CSW 2.0.2 schemas pycsw's package
ships, when it is installed (`pip install --no-deps pycsw`); otherwise that is SKIPPED."""
import importlib.util
import os
import sys
import urllib.error
import urllib.request

from checks import check, finish
from lxml import etree
from owslib.csw import CatalogueServiceWeb
from owslib.fes import BBox, PropertyIsEqualTo, PropertyIsLike
from owslib.iso import MD_Metadata
from owslib.ogcapi.records import Records

BASE = sys.argv[1]
HIDDEN = sys.argv[2]
UUIDS = sys.argv[3:]
GMD = "http://www.isotc211.org/2005/gmd"
HOYDE = {"Høydedata – fjelltopper", "Høydemodell – syntetisk eksempel (1 km)"}
NORTH = [18, 69, 20, 70]  # lon/lat around Tromsø: every sample but the kommuner of the south-east

def schemas(*imports):
    """A schema importing (namespace, path under pycsw's package) pairs, or None without
    pycsw. ISO and CSW go in separate schemas: each brings its own GML 3.x."""
    spec = importlib.util.find_spec("pycsw")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = spec.submodule_search_locations[0]
    lines = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="file://{os.path.join(root, path)}"/>' for ns, path in imports
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{lines}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


ISO_ROOT = "plugins/profiles/apiso/schemas/ogc/iso/19139/20060504"
ISO = schemas((GMD, f"{ISO_ROOT}/gmd/gmd.xsd"), ("http://www.isotc211.org/2005/gmx", f"{ISO_ROOT}/gmx/gmx.xsd"))
CSW = schemas(("http://www.opengis.net/cat/csw/2.0.2", "core/schemas/ogc/csw/2.0.2/CSW-discovery.xsd"))


def valid(schema, doc):
    """Validate when the schema is there; say which in the check's detail."""
    if schema is None:
        return ""
    assert schema.validate(doc), [str(e) for e in schema.error_log][:5]
    return "schema-valid, "


def iso_record(uuid):
    def run():
        with urllib.request.urlopen(f"{BASE}/api/catalogue/records/{uuid}.xml", timeout=30) as r:
            assert r.headers["Content-Type"].startswith("application/xml"), r.headers["Content-Type"]
            doc = etree.fromstring(r.read())
        checked = valid(ISO, doc)
        md = MD_Metadata(doc)
        assert md.identifier == uuid, md.identifier
        assert md.languagecode == "nor", md.languagecode
        assert md.hierarchy == "dataset", md.hierarchy
        ident = md.identification[0]
        assert ident.title, "a title"
        assert ident.otherconstraints[0] == "no restrictions", ident.otherconstraints
        assert ident.bbox is not None and float(ident.bbox.minx) < float(ident.bbox.maxx)
        protocols = sorted({o.protocol for o in md.distribution.online})
        assert "OGC:WMS" in protocols and "OGC:API" in protocols, protocols
        assert ("OGC:WFS" in protocols) != ("OGC:WCS" in protocols), protocols
        assert md.referencesystem.code.startswith("EPSG:"), md.referencesystem.code
        return f"{checked}'{ident.title}' {protocols}"

    return run


def csw():
    return CatalogueServiceWeb(f"{BASE}/csw", timeout=30)


def titles(c):
    return sorted(r.title for r in c.records.values())


def capabilities():
    c = csw()
    assert c.identification.type == "CSW" and c.version == "2.0.2"
    ops = [o.name for o in c.operations]
    for op in ["GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById", "GetDomain"]:
        assert op in ops, ops
    schemas_offered = c.get_operation_by_name("GetRecords").parameters["outputSchema"]["values"]
    assert GMD in schemas_offered, schemas_offered
    return f"{valid(CSW, etree.fromstring(c.response))}{ops}"


def text_and_bbox():
    c = csw()
    c.getrecords2(constraints=[[PropertyIsLike("csw:AnyText", "%høyde%"), BBox(NORTH)]], esn="summary")
    assert set(titles(c)) == HOYDE, titles(c)
    c.getrecords2(constraints=[[PropertyIsLike("csw:AnyText", "%fylke%"), BBox(NORTH)]], esn="summary")
    assert titles(c) == ["Fylker 2024"], titles(c)
    c.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%fylke%")], esn="summary")
    assert "Kommuner i Oslo, Akershus og Vestfold" in titles(c), "without the box the south-east is found"
    # the box in lat/lon where the srsName says so
    c.getrecords2(constraints=[BBox([69, 18, 70, 20], crs="urn:ogc:def:crs:EPSG::4326")], esn="brief")
    assert HOYDE <= set(titles(c)) and "Kommuner i Oslo, Akershus og Vestfold" not in titles(c), titles(c)
    return f"{valid(CSW, etree.fromstring(c.response))}høyde in the north: {sorted(HOYDE)}"


def title_type_and_cql():
    c = csw()
    c.getrecords2(
        constraints=[[PropertyIsLike("dc:title", "Fylker%"), PropertyIsEqualTo("dc:type", "dataset")]], esn="brief"
    )
    assert titles(c) == ["Fylker 2024"], titles(c)
    c.getrecords2(cql="dc:title LIKE '%fjelltopper%' AND BBOX(ows:BoundingBox, 18, 69, 20, 70)", esn="brief")
    assert titles(c) == ["Høydedata – fjelltopper"], titles(c)
    c.getrecords2(constraints=[PropertyIsLike("apiso:OrganisationName", "kartverket")], esn="brief")
    # every sample but the portals' layers: Doffin's notices (DFØ's) and KOSTRA's figures (SSB's)
    assert len(c.records) == len(UUIDS) - 2, titles(c)
    assert not any(t.startswith(("Doffin", "KOSTRA")) for t in titles(c)), titles(c)
    return "dc:title, dc:type, OrganisationName, CQL with BBOX"


def hits_and_paging():
    c = csw()
    c.getrecords2(resulttype="hits")
    assert c.results["matches"] == len(UUIDS) and c.results["returned"] == 0 and not c.records, c.results
    seen = []
    c.getrecords2(maxrecords=3, esn="brief")
    assert (c.results["returned"], c.results["nextrecord"]) == (3, 4), c.results
    seen += list(c.records)
    c.getrecords2(maxrecords=3, startposition=4, esn="brief")
    assert (c.results["returned"], c.results["nextrecord"]) == (len(UUIDS) - 3, 0), c.results
    seen += list(c.records)
    assert sorted(seen) == sorted(UUIDS), "the pages hold every visible record once"
    assert HIDDEN not in seen
    return f"{c.results['matches']} matched, pages of 3"


def element_sets():
    c = csw()
    c.getrecords2(constraints=[PropertyIsLike("dc:title", "Fylker%")], esn="brief")
    brief = next(iter(c.records.values()))
    assert brief.title == "Fylker 2024" and brief.bbox is not None and brief.abstract is None
    assert 4 < float(brief.bbox.minx) < 5 and 57 < float(brief.bbox.miny) < 59, vars(brief.bbox)
    c.getrecords2(constraints=[PropertyIsLike("dc:title", "Fylker%")], esn="summary")
    summary = next(iter(c.records.values()))
    assert summary.abstract and "boundaries" in summary.subjects and not summary.references
    c.getrecords2(constraints=[PropertyIsLike("dc:title", "Fylker%")], esn="full")
    full = next(iter(c.records.values()))
    schemes = sorted(r["scheme"] for r in full.references)
    assert schemes == ["OGC:API", "OGC:WFS", "OGC:WMS", "OGC:WMTS"], schemes
    assert "no restrictions" in full.rights and full.publisher == "Kartverket", (full.rights, full.publisher)
    return f"{valid(CSW, etree.fromstring(c.response))}brief < summary < full, references {schemes}"


def iso_output():
    c = csw()
    c.getrecords2(outputschema=GMD, typenames="gmd:MD_Metadata", esn="full", maxrecords=10)
    assert sorted(c.records) == sorted(UUIDS), sorted(c.records)
    c.getrecordbyid(id=[UUIDS[0]], outputschema=GMD)
    md = c.records[UUIDS[0]]
    assert isinstance(md, MD_Metadata) and md.identifier == UUIDS[0]
    doc = etree.fromstring(c.response).find(f"{{{GMD}}}MD_Metadata")
    return f"{valid(ISO, doc)}GetRecordById in ISO 19139: '{md.identification[0].title}'"


def by_id_and_hidden():
    c = csw()
    c.getrecordbyid(id=UUIDS[:2], esn="summary")
    assert sorted(c.records) == sorted(UUIDS[:2]), list(c.records)
    c.getrecordbyid(id=[HIDDEN, "no-such-record"])
    assert not c.records, "the restricted record is not there for an anonymous caller"
    c.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%hemmelige%")], resulttype="hits")
    assert c.results["matches"] == 0, c.results
    return "two by id; the restricted one and an unknown one: none"


def domains():
    c = csw()
    c.getdomain("GetRecords.resultType")
    assert c.results["values"] == ["hits", "results"], c.results
    c.getdomain("dc:type", "property")
    assert c.results["values"] == ["dataset"], c.results
    c.describerecord("gmd:MD_Metadata")
    doc = etree.fromstring(c.response)
    assert doc.find("{http://www.opengis.net/cat/csw/2.0.2}SchemaComponent").get("targetNamespace") == GMD
    return f"{valid(CSW, doc)}GetDomain and DescribeRecord"


def refused(call, code):
    """The call must fail with an ExceptionReport of `code` (OWSLib raises it from a POST
    answer, and a ServiceException from a GET answered 400)."""
    try:
        call()
    except Exception as e:  # noqa: BLE001 - which exception depends on GET or POST
        text = f"{getattr(e, 'code', '')} {e}"
        assert code in text or code in getattr(e, "message", "") or code in str(e.args), text
        return
    raise AssertionError(f"no {code} exception")


def exceptions():
    c = csw()
    refused(lambda: c.getrecords2(typenames="fjord:Nothing"), "InvalidParameterValue")
    refused(lambda: c.getrecords2(cql="dc:title >"), "InvalidParameterValue")
    refused(lambda: c.getrecords2(constraints=[PropertyIsLike("dc:colour", "red")]), "InvalidParameterValue")
    refused(lambda: c.getrecords2(maxrecords=100000), "InvalidParameterValue")
    refused(lambda: c.getrecordbyid(id=[UUIDS[0]], outputschema="http://example.com/nothing"), "InvalidParameterValue")
    for method, url, body in [
        ("GET", f"{BASE}/csw?service=CSW&version=2.0.2&request=GetRecords&maxRecords=100000", None),
        ("GET", f"{BASE}/csw?service=CSW&version=2.0.2&request=GetRecords&constraintLanguage=CQL_TEXT&constraint=x%20%3E", None),
        ("POST", f"{BASE}/csw", b"<csw:GetRecords><csw:Query"),
        ("POST", f"{BASE}/csw", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><GetRecords>&a;</GetRecords>'),
    ]:
        req = urllib.request.Request(url, data=body, method=method)
        try:
            urllib.request.urlopen(req, timeout=30)
            raise AssertionError(f"{method} {url}: no refusal")
        except urllib.error.HTTPError as e:
            assert e.code == 400, f"{method} {url}: {e.code}"
            doc = etree.fromstring(e.read())
            assert doc.tag == "{http://www.opengis.net/ows}ExceptionReport", doc.tag
    return "unknown typeNames, bad CQL, unknown property, huge maxRecords, bad schema, broken XML, entities: 400"


def ogc_api_records():
    r = Records(f"{BASE}/ogcapi", timeout=30)
    assert r.collection("catalogue")["itemType"] == "record"
    items = r.collection_items("catalogue", q="høyde", bbox=NORTH, limit=10)
    found = {f["properties"]["title"] for f in items["features"]}
    assert found == HOYDE and items["numberMatched"] == 2, found
    record = r.collection_item("catalogue", items["features"][0]["id"])
    protocols = sorted(l["protocol"] for l in record["links"] if l["rel"] == "service")
    assert "OGC:WMS" in protocols and record["properties"]["rights"] == "no restrictions", record
    assert r.collection_items("catalogue", filter="keywords LIKE 'county%'")["numberMatched"] == 1
    assert r.collection_items("catalogue", externalId="fylker")["features"][0]["properties"]["title"] == "Fylker 2024"
    page = r.collection_items("catalogue", limit=3)
    assert [l["rel"] for l in page["links"] if l["rel"] == "next"] == ["next"] and page["numberReturned"] == 3
    assert r.collection_items("catalogue", q="hemmelige")["numberMatched"] == 0
    for url, status in [
        (f"{BASE}/ogcapi/collections/catalogue/items/{HIDDEN}", 404),
        (f"{BASE}/ogcapi/collections/catalogue/items?bbox=1,2,3", 400),
        (f"{BASE}/ogcapi/collections/catalogue/items?filter=title%20%3E", 400),
    ]:
        try:
            urllib.request.urlopen(url, timeout=30)
            raise AssertionError(f"{url}: no refusal")
        except urllib.error.HTTPError as e:
            assert e.code == status, f"{url}: {e.code}"
    with urllib.request.urlopen(f"{BASE}/ogcapi/collections/catalogue/items?f=html&q=fylker", timeout=30) as page:
        assert "Fylker 2024" in page.read().decode()
    return f"q and bbox: {sorted(found)}; {protocols}"


def dcat():
    if importlib.util.find_spec("rdflib") is None:
        return "SKIPPED: rdflib is not installed (just test-deps installs it); JSON only"
    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, RDF

    with urllib.request.urlopen(f"{BASE}/api/catalogue/dcat", timeout=30) as r:
        assert r.headers["Content-Type"] == "application/ld+json", r.headers["Content-Type"]
        g = rdflib.Graph().parse(data=r.read(), format="json-ld")
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    datasets = list(g.objects(catalog, DCAT.dataset))
    ids = sorted(str(g.value(d, DCTERMS.identifier)) for d in datasets)
    assert ids == sorted(UUIDS) and HIDDEN not in ids, ids
    for d in datasets:
        assert g.value(d, DCAT.contactPoint) is not None and g.value(d, DCTERMS.publisher) is not None
        assert str(g.value(d, DCTERMS.accessRights)).endswith("/access-right/PUBLIC")
        assert len(list(g.objects(d, DCAT.distribution))) == 4, d
    return f"{len(g)} triples, {len(datasets)} datasets with publisher, contact point, access rights, distributions"


if ISO is None:
    print("SKIPPED schema validation: pycsw (which ships the ISO 19139 and CSW schemas) is not installed")
for uuid in UUIDS:
    check(f"iso19139 {uuid}", iso_record(uuid))
for name, fn in [
    ("CSW capabilities", capabilities),
    ("CSW GetRecords text and bbox", text_and_bbox),
    ("CSW GetRecords title, type and CQL", title_type_and_cql),
    ("CSW GetRecords hits and paging", hits_and_paging),
    ("CSW element sets", element_sets),
    ("CSW ISO 19139 output", iso_output),
    ("CSW GetRecordById and hidden records", by_id_and_hidden),
    ("CSW GetDomain and DescribeRecord", domains),
    ("CSW exception reports", exceptions),
    ("OGC API - Records", ogc_api_records),
    ("DCAT-AP-NO JSON-LD read by rdflib", dcat),
]:
    check(name, fn)
finish("csw")

"""OWSLib against fjord's catalogue: ISO 19139 records (and the CSW, when asked).
Usage: csw_check.py BASE_URL UUID...   (the UUIDs of records an anonymous caller may see)
Prints one line per check and closes with 'csw: N passed, N failed'; exit 1 on any failure.
Each ISO document is also validated against the ISO 19139 schemas pycsw's package ships,
when it is installed (`pip install --no-deps pycsw`); otherwise that check is SKIPPED."""
import importlib.util
import os
import sys
import urllib.request

from checks import check, finish
from lxml import etree
from owslib.iso import MD_Metadata

BASE = sys.argv[1]
UUIDS = sys.argv[2:]

def iso_schema():
    """The ISO 19139 (2006-05-04) schemas pycsw ships, gmd and gmx, or None."""
    spec = importlib.util.find_spec("pycsw")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = os.path.join(spec.submodule_search_locations[0], "plugins/profiles/apiso/schemas/ogc/iso/19139/20060504")
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="http://www.isotc211.org/2005/gmd" schemaLocation="file://{root}/gmd/gmd.xsd"/>
      <xs:import namespace="http://www.isotc211.org/2005/gmx" schemaLocation="file://{root}/gmx/gmx.xsd"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def iso_record(uuid, schema):
    def run():
        with urllib.request.urlopen(f"{BASE}/api/catalogue/records/{uuid}.xml", timeout=30) as r:
            assert r.headers["Content-Type"].startswith("application/xml"), r.headers["Content-Type"]
            doc = etree.fromstring(r.read())
        if schema is not None:
            assert schema.validate(doc), [str(e) for e in schema.error_log][:5]
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
        valid = "schema-valid, " if schema is not None else ""
        return f"{valid}'{ident.title}' {protocols}"

    return run


schema = iso_schema()
if schema is None:
    print("SKIPPED ISO 19139 schema validation: pycsw (which ships the schemas) is not installed")
for uuid in UUIDS:
    check(f"iso19139 {uuid}", iso_record(uuid, schema))

finish("csw")

"""The GeoReport v2 specification's example responses (wiki.open311.org/GeoReport_v2), as its
pages show them: what every existing client was written against. The Open311 tests compare
the service's answers with these field by field — the same fields in the same order, values of
the same kind — in both formats."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

OFFSET_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

DISCOVERY_JSON = """
{"changeset":"2011-04-05T17:48:34Z",
 "contact":"You can email or call for assistance api@mycity.org +1 (555) 555-5555",
 "key_service":"You can request a key here: http://api.mycity.gov/api_key/request",
 "endpoints":[{"specification":"http://wiki.open311.org/GeoReport_v2",
   "url":"http://open311.mycity.gov/v2","changeset":"2011-04-05T17:48:34Z",
   "type":"production","formats":["text/xml","application/json"]}]}
"""

DISCOVERY_XML = """<?xml version="1.0" encoding="utf-8"?>
<discovery>
  <changeset>2011-04-05T17:48:34Z</changeset>
  <contact>You can email or call for assistance api@mycity.org +1 (555) 555-5555</contact>
  <key_service>You can request a key here: http://api.mycity.gov/api_key/request</key_service>
  <endpoints>
    <endpoint>
      <specification>http://wiki.open311.org/GeoReport_v2</specification>
      <url>http://open311.mycity.gov/v2</url>
      <changeset>2011-04-05T17:48:34Z</changeset>
      <type>production</type>
      <formats>
        <format>text/xml</format>
        <format>application/json</format>
      </formats>
    </endpoint>
  </endpoints>
</discovery>
"""

SERVICES_JSON = """
[{"service_code":"001","service_name":"Cans left out 24x7",
  "description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.",
  "metadata":true,"type":"realtime","keywords":"lorem, ipsum, dolor","group":"sanitation"}]
"""

SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?>
<services>
  <service>
    <service_code>001</service_code>
    <service_name>Cans left out 24x7</service_name>
    <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
    <metadata>true</metadata>
    <type>realtime</type>
    <keywords>lorem, ipsum, dolor</keywords>
    <group>sanitation</group>
  </service>
</services>
"""

DEFINITION_JSON = """
{"service_code":"DMV66",
 "attributes":[{"variable":true,"code":"WHISHETN","datatype":"singlevaluelist","required":true,
   "datatype_description":null,"order":1,"description":"What is the ticket/tag/DL number?",
   "values":[{"key":123,"name":"Ford"},{"key":124,"name":"Chrysler"}]}]}
"""

DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_definition>
  <service_code>DMV66</service_code>
  <attributes>
    <attribute>
      <variable>true</variable>
      <code>WHISHETN</code>
      <datatype>singlevaluelist</datatype>
      <required>true</required>
      <datatype_description></datatype_description>
      <order>1</order>
      <description>What is the ticket/tag/DL number?</description>
      <values>
        <value><key>123</key><name>Ford</name></value>
        <value><key>124</key><name>Chrysler</name></value>
      </values>
    </attribute>
  </attributes>
</service_definition>
"""

# POST Service Request: the example request's parameters (the specification's own values; the
# jurisdiction, key and service code are replaced by the test's)
POST_PARAMETERS = {
    "lat": "37.76524078",
    "long": "-122.4212043",
    "address_string": "1234 5th street",
    "email": "smit333@sfgov.edu",
    "device_id": "tt222111",
    "account_id": "123456",
    "first_name": "john",
    "last_name": "smith",
    "phone": "111111111",
    "description": "A large sinkhole is destroying the street",
    "media_url": "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg",
}

CREATED_JSON = """
[{"service_request_id":293944,
  "service_notice":"The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code",
  "account_id":null}]
"""

CREATED_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
  <request>
    <service_request_id>293944</service_request_id>
    <service_notice>The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code</service_notice>
    <account_id/>
  </request>
</service_requests>
"""

TOKEN_JSON = """[{"service_request_id":638344,"token":"12345"}]"""

TOKEN_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
  <request>
    <service_request_id>638344</service_request_id>
    <token>12345</token>
  </request>
</service_requests>
"""

REQUESTS_JSON = """
[{"service_request_id":638344,"status":"closed","status_notes":"Duplicate request.",
  "service_name":"Sidewalk and Curb Issues","service_code":"006","description":null,
  "agency_responsible":null,"service_notice":null,
  "requested_datetime":"2010-04-14T06:37:38-08:00","updated_datetime":"2010-04-14T06:37:38-08:00",
  "expected_datetime":"2010-04-15T06:37:38-08:00","address":"8TH AVE and JUDAH ST",
  "address_id":545483,"zipcode":94122,"lat":37.762221815,"long":-122.4651145,
  "media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"}]
"""

REQUESTS_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
  <request>
    <service_request_id>638344</service_request_id>
    <status>closed</status>
    <status_notes>Duplicate request.</status_notes>
    <service_name>Sidewalk and Curb Issues</service_name>
    <service_code>006</service_code>
    <description></description>
    <agency_responsible></agency_responsible>
    <service_notice></service_notice>
    <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
    <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
    <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
    <address>8TH AVE and JUDAH ST</address>
    <address_id>545483</address_id>
    <zipcode>94122</zipcode>
    <lat>37.762221815</lat>
    <long>-122.4651145</long>
    <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg</media_url>
  </request>
</service_requests>
"""

ERRORS_JSON = """
[{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}]
"""

ERRORS_XML = """<?xml version="1.0" encoding="utf-8"?>
<errors>
  <error>
    <code>403</code>
    <description>Invalid api_key received -- can't proceed with create_request.</description>
  </error>
</errors>
"""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    return "scalar"  # ids are numbers in some examples, strings in others: both are opaque


def same_as_json(ours: Any, example: Any, path: str = "$") -> None:
    """The same fields in the same order, each of the same kind (null allowed where the example
    has a value; ids and numbers as scalars); dates with an offset."""
    if isinstance(example, dict):
        assert isinstance(ours, dict), f"{path}: {ours!r} is not an object"
        assert list(ours) == list(example), f"{path}: fields {list(ours)} != {list(example)}"
        for key, value in example.items():
            if key.endswith("datetime") or key == "changeset":
                assert ours[key] is None or OFFSET_DATETIME.match(ours[key]), (key, ours[key])
            if key in ("lat", "long") and ours[key] is not None:
                assert isinstance(ours[key], float), (key, ours[key])
            same_as_json(ours[key], value, f"{path}.{key}")
    elif isinstance(example, list):
        assert isinstance(ours, list), f"{path}: {ours!r} is not a list"
        assert ours or path.endswith("values"), f"{path}: empty where the example has items"
        for item in ours:
            same_as_json(item, example[0], f"{path}[]")
    elif example is None:
        assert _kind(ours) in ("null", "scalar"), f"{path}: {ours!r}"
    else:
        assert _kind(ours) in (_kind(example), "null"), f"{path}: {ours!r} vs {example!r}"


def same_as_xml(ours: bytes, example: str) -> ET.Element:
    """The same document element, the same child elements in the same order (the first item
    of each list stands for all), booleans as true/false; an XML declaration with UTF-8."""
    assert ours.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), ours[:60]
    mine, theirs = ET.fromstring(ours), ET.fromstring(example.encode())

    def walk(a: ET.Element, b: ET.Element, path: str) -> None:
        assert a.tag == b.tag, f"{path}: <{a.tag}> != <{b.tag}>"
        b_children = list(b)
        if not b_children:
            if b.text in ("true", "false"):
                assert a.text in ("true", "false"), f"{path}/{a.tag}: {a.text!r}"
            return
        a_children = list(a)
        if len({c.tag for c in b_children}) == 1 and len(b_children) >= 1 and b.tag.endswith("s"):
            assert a_children or a.tag == "values", f"{path}/{a.tag}: no items"
            for child in a_children:
                walk(child, b_children[0], f"{path}/{a.tag}")
            return
        assert [c.tag for c in a_children] == [c.tag for c in b_children], (
            f"{path}/{a.tag}: {[c.tag for c in a_children]} != {[c.tag for c in b_children]}"
        )
        for x, y in zip(a_children, b_children, strict=True):
            walk(x, y, f"{path}/{a.tag}")

    walk(mine, theirs, "")
    return mine

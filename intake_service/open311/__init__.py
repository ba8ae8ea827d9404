"""Open311 GeoReport v2 at `/open311/v2/`: existing civic clients and mobile apps list an
organisation's categories (services), file appeals (service requests) and follow them.

`jurisdiction_id` is an organisation's slug and `api_key` one of its API keys; a request filed
here is an appeal like any other (channel `open311`): tagged with the key's organisation, in
the log, the queue, the sinks and the console. Every resource answers in `.json` and `.xml`
with the specification's element names, and refusals in its error shape
(`open311/problems.py`), each written to the intake log as `rejected` by the one handler.
"""

PREFIX = "/open311/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"

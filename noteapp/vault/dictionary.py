"""The preset dictionary of format 2's compressed records (codec 0x04).

What every record of the main kinds repeats — the JSON keys and structure of a measure, a
note and a note's signature record, with every value emptied — so a record's first
occurrence of them costs a back-reference instead of literals: about a fifth smaller for
notes and signature records, half for measures (measured on the demo vault; see
docs/security-design.md, "Where the bytes go"). Holds no data.

Part of the format: records written with it are read with it, so it never changes (its
SHA-256 is pinned by tests/core/test_vault_groups.py). A better dictionary is a new codec.
"""

from __future__ import annotations

RECORDS = (
    b'{"id":"","client_id":"","instrument":"","instrument_version":1,"name":"","on":"","mode":'
    b'"","total":0,"severity":"","answers":[0],"total_only":false,"flags":[],"flag_labels":[],'
    b'"risk":false,"note_id":"","created_at":"","addressed_by":"","addressed_on":null,"address'
    b'ed_how":"","difficulty":"","subscales":[]}{"id":"","client_id":"","template_id":"","temp'
    b'late_version":1,"template_snapshot":"","session":{"date":"","start":"","end":"","service'
    b'_code":"","modality":"","place_of_service":"","participants":[],"diagnoses":[{"code":"",'
    b'"description":""}],"interventions":[""],"risk":{"suicidal_ideation":"","homicidal_ideati'
    b'on":"","detail":""},"extended_reason":""},"fields":{"precipitating_event":"","risk_asses'
    b'sment":"","interventions":"","disposition":"","safety_plan":"","follow_up":""},"status":'
    b'"","created_at":"","updated_at":"","psychotherapy":false,"group_id":"","copied_from":"",'
    b'"signature_ids":[""],"goal_progress":[],"measures":[],"risk_assessment":{"suicidal_ideat'
    b'ion":{"present":true,"plan":false,"intent":false,"means":false,"history":false,"notes":"'
    b'"},"homicidal_ideation":{"present":false,"plan":null,"intent":null,"means":null,"history'
    b'":null,"notes":""},"self_harm":{"present":false,"plan":null,"intent":null,"means":null,"'
    b'history":false,"notes":""},"protective_factors":"","risk_level":"","actions_taken":""},"'
    b'overrides":[]}{"id":"","type":"","note_id":"","payload":{"format":"","type":"","note_id"'
    b':"","client":{"id":"","code":"","name":"","dob":""},"template":{"id":"","version":1,"nam'
    b'e":""},"session":{"date":"","start":"","end":"","service_code":"","modality":"","place_o'
    b'f_service":"","participants":[],"diagnoses":[{"code":"","description":""}],"intervention'
    b's":[""],"risk":{"suicidal_ideation":"","homicidal_ideation":"","detail":""},"extended_re'
    b'ason":""},"fields":{"presenting_problem":"","psychiatric_history":"","medical_history":"'
    b'","substance_use_history":"","family_history":"","social_history":"","mental_status_exam'
    b'":"","risk_assessment":"","diagnosis":"","recommendations":""},"goal_progress":[],"measu'
    b'res":[{"id":"","instrument":"","name":"","date":"","total":0,"severity":"","total_only":'
    b'false,"risk":false,"change_since_last":null,"change_since_baseline":null,"summary":""}],'
    b'"document":{"version":1,"title":"","blocks":[{"type":"","rows":[[""]]}]},"author":{"name'
    b'":"","credentials":"","license_number":"","role":"","fingerprint":""},"letterhead":{"age'
    b'ncy_name":"","agency_address":"","agency_phone":""},"attestation":"","signed_at":"","sig'
    b'ned_at_display":""},"hash":"","signature":"","public_key":""}'
)

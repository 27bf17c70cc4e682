#!/usr/bin/env python3
"""Write the illustrative example assessments under examples/.

Every agency, person and document in these files is invented for demonstration; none of it is
a real assessment.  The script is deterministic (standard library only, seeded random numbers),
so running it again reproduces the same files byte for byte:

    python3 scripts/make_examples.py

Each agency has a profile: a target level per dimension for each round, realistic values for the
three number indicators, the indicators it answers 'na' or 'unknown', and how much evidence it
records.  Each indicator's level is the dimension target, rounded up or down by a persistent
seeded draw (so the same indicator stays relatively strong or weak from round to round), with an
occasional extra step of +-1, clamped to 0-4.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

SEED = 20260
RUBRIC = "egov-readiness@1.0"
HEADER = "# Illustrative data: a fictional agency, invented for demonstration. Not a real assessment."
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples"
ROUNDS = ("2025", "2026")

# ---------------------------------------------------------------------------------------------
# The rubric's structure (egov-readiness 1.0): pillar -> dimension -> indicators.
# ---------------------------------------------------------------------------------------------

PILLARS = [
    ("capability", "Capability: digital government maturity", [
        ("strategy", "Strategy and political commitment",
         ["strategy.vision", "strategy.alignment", "strategy.leadership"]),
        ("governance", "Governance and inter-agency coordination",
         ["governance.digital_lead", "governance.steering", "governance.inter_agency", "governance.procurement"]),
        ("infrastructure", "Digital infrastructure and interoperability",
         ["infrastructure.connectivity", "infrastructure.hosting", "infrastructure.interoperability",
          "infrastructure.equipment"]),
        ("services", "Digital services and citizen-centricity",
         ["services.online_share", "services.user_centred_design", "services.assisted_channels",
          "services.complaints"]),
        ("data", "Data and records",
         ["data.digitisation", "data.quality", "data.governance", "data.use"]),
        ("cybersecurity", "Cybersecurity and data protection",
         ["cybersecurity.policy_risk", "cybersecurity.access_control", "cybersecurity.incident_response",
          "cybersecurity.data_protection"]),
        ("skills", "Workforce digital skills",
         ["skills.trained_share", "skills.needs_assessment", "skills.specialists", "skills.manager_literacy"]),
    ]),
    ("resistance", "Resistance: institutional resistance (a high level means little resistance)", [
        ("inertia", "Bureaucratic inertia and paper duplication",
         ["inertia.paper_parallel", "inertia.process_redesign", "inertia.system_usage"]),
        ("discretion", "Protection of discretion and authority",
         ["discretion.rule_transparency", "discretion.traceability", "discretion.intermediaries"]),
        ("hierarchy", "Hierarchical culture and leadership behaviour",
         ["hierarchy.delegation", "hierarchy.upward_feedback", "hierarchy.leaders_model"]),
        ("job_security", "Job security and labour relations",
         ["job_security.redeployment", "job_security.consultation", "job_security.role_recognition"]),
        ("incentives", "Incentives and accountability for adoption",
         ["incentives.performance_targets", "incentives.recognition", "incentives.non_compliance"]),
        ("silos", "Organisational silos and data sharing",
         ["silos.data_sharing", "silos.once_only", "silos.shared_platforms"]),
        ("continuity", "Ownership continuity (staff transfers, project champions)",
         ["continuity.champion_dependence", "continuity.tenure", "continuity.handover"]),
        ("change_management", "Change-management practice (communication, participation, change agents)",
         ["change_management.communication", "change_management.participation",
          "change_management.change_agents"]),
    ]),
    ("barriers", "Barriers: implementation barriers (a high level means a mild or mitigated barrier)", [
        ("reliability", "Infrastructure and power reliability",
         ["reliability.outage_hours", "reliability.backup_power", "reliability.redundant_links",
          "reliability.offline_continuity"]),
        ("cyber_threats", "Cyber-threat exposure",
         ["cyber_threats.legacy_software", "cyber_threats.exposure_monitoring", "cyber_threats.phishing_awareness"]),
        ("user_access", "Digital literacy and access of service users (rural, women, low-income)",
         ["user_access.user_profile", "user_access.inclusive_design", "user_access.women_access", "user_access.cost"]),
        ("funding", "Financial sustainability (budget, donor dependence)",
         ["funding.recurrent_budget", "funding.donor_dependence", "funding.release_predictability"]),
        ("policy_continuity", "Policy and political continuity",
         ["policy_continuity.legal_basis", "policy_continuity.political_turnover", "policy_continuity.broad_support"]),
        ("public_trust", "Public trust and socio-cultural acceptance",
         ["public_trust.citizen_confidence", "public_trust.transparency", "public_trust.redress",
          "public_trust.outreach"]),
    ]),
]

DIMENSIONS = {pillar: [dim for dim, _, _ in dims] for pillar, _, dims in PILLARS}
NUMBER_INDICATORS = {"services.online_share": "online", "skills.trained_share": "trained",
                     "reliability.outage_hours": "outage"}

# ---------------------------------------------------------------------------------------------
# Fictional evidence: document types per indicator.  {code} is the agency's file prefix, {y} the
# assessment year, {py} the year before, {m} a month, {n} a number, {q} a quarter.
# ---------------------------------------------------------------------------------------------

EVIDENCE = {
    # capability
    "strategy.vision": ["Digital transformation roadmap {py}-{y}, approved version", "Annual development programme {py}-{ys}, digital lines"],
    "strategy.alignment": ["Roadmap alignment note to the planning department, {m} {py}", "Notification No. {code}-{n}/{py}"],
    "strategy.leadership": ["Senior management meeting minutes, {m} {y}", "Circular No. {code}/{n}/{py} from the agency head"],
    "governance.digital_lead": ["Notification of digital lead No. {code}-ADM-{n}/{py}", "Terms of reference of the digital lead, {py}"],
    "governance.steering": ["Steering committee minutes, {m} {y}", "Steering committee notification No. {code}-{n}/{py}"],
    "governance.inter_agency": ["Inter-agency MoU on shared services, {py}", "Joint working group minutes, {m} {py}"],
    "governance.procurement": ["IT procurement rules, office order {code}/{n}/{py}", "Vendor performance review {py}"],
    "infrastructure.connectivity": ["Network survey of service points, {m} {py}", "Bandwidth contract {code}-IT-{n}"],
    "infrastructure.hosting": ["Data centre hosting agreement {code}-IT-{n}", "Backup restore test log, {m} {y}"],
    "infrastructure.interoperability": ["API register v{v}", "Data exchange interface specification v{v}"],
    "infrastructure.equipment": ["Equipment inventory {py}", "Hardware replacement plan {py}-{ys}"],
    "services.online_share": ["Service catalogue with online status, {m} {y}"],
    "services.user_centred_design": ["Usability test report, {m} {py}", "User research summary, {m} {py}"],
    "services.assisted_channels": ["Facilitation centre monthly report, {m} {y}", "Assisted service desk roster, {m} {y}"],
    "services.complaints": ["Complaint portal resolution report, Q{q} {py}", "Complaint analysis note, {m} {y}"],
    "data.digitisation": ["Records digitisation progress report, {m} {y}", "Notification declaring the digital register authoritative, {py}"],
    "data.quality": ["Data quality audit {py}", "Data cleansing progress report, {m} {y}"],
    "data.governance": ["Data classification and retention order {code}/{n}/{py}", "Dataset ownership register v{v}"],
    "data.use": ["Management dashboard extract, {m} {y}", "Open data release note, {m} {py}"],
    "cybersecurity.policy_risk": ["Information security policy v{v}", "IT risk register {py}"],
    "cybersecurity.access_control": ["User access review, {m} {y}", "Internal audit report {py}, IT section"],
    "cybersecurity.incident_response": ["Incident register {py}-{y}", "Incident response drill report, {m} {py}"],
    "cybersecurity.data_protection": ["Privacy notice and consent procedure, {py}", "Personal data handling instructions, office order {n}/{py}"],
    "skills.trained_share": ["Training register {py}-{ys}"],
    "skills.needs_assessment": ["Training needs assessment {py}", "Funded training plan {py}-{ys}"],
    "skills.specialists": ["Sanctioned IT posts, office order {n}/{py}", "IT cell staffing list, {m} {y}"],
    "skills.manager_literacy": ["Management digital awareness course attendance, {m} {py}", "Senior officers' workshop report, {m} {py}"],
    # resistance
    "inertia.paper_parallel": ["Paper file closure circular {code}/{n}/{py}", "Record room intake statistics, {m} {y}"],
    "inertia.process_redesign": ["Business process re-engineering report {py}", "Simplified procedure notification {code}-{n}/{py}"],
    "inertia.system_usage": ["System usage statistics, {m} {y}", "Back-entry audit, {m} {y}"],
    "discretion.rule_transparency": ["Published service standards notification {code}-{n}/{py}", "Citizen charter, revised {py}"],
    "discretion.traceability": ["Audit trail review, {m} {y}", "Case delay report from the system, {m} {y}"],
    "discretion.intermediaries": ["Direct-access service survey {py}", "Counter monitoring report, {m} {y}"],
    "hierarchy.delegation": ["Delegation of powers order {code}/{n}/{py}", "Workflow approval matrix v{v}"],
    "hierarchy.upward_feedback": ["Staff feedback channel log, {m} {y}", "Staff suggestion scheme register {py}"],
    "hierarchy.leaders_model": ["E-office usage report for senior officers, {m} {y}", "Senior management meeting minutes, {m} {y}"],
    "job_security.redeployment": ["Redeployment and retraining plan {py}", "Staff transition note, {m} {py}"],
    "job_security.consultation": ["Minutes of meeting with staff association, {m} {py}", "Consultation record on new workflow, {m} {py}"],
    "job_security.role_recognition": ["Revised job descriptions, notification {code}-{n}/{py}", "Service rules amendment draft, {py}"],
    "incentives.performance_targets": ["Performance agreement template {py}-{ys}", "Annual performance targets {py}-{ys}"],
    "incentives.recognition": ["Digital service awards, {m} {py}", "Commendation letters register {py}"],
    "incentives.non_compliance": ["Show-cause notices register {py}", "Pendency review minutes, {m} {y}"],
    "silos.data_sharing": ["Data-sharing agreement {code}-DS-{n}", "Inter-wing data request log {py}"],
    "silos.once_only": ["Once-only data request review {py}", "Form simplification report {py}"],
    "silos.shared_platforms": ["Shared payment gateway onboarding letter, {m} {py}", "Shared platform reuse note, {m} {py}"],
    "continuity.champion_dependence": ["Programme succession plan {py}", "Project management office charter v{v}"],
    "continuity.tenure": ["Posting and transfer record of IT cell {py}-{y}", "Minimum tenure order {code}/{n}/{py}"],
    "continuity.handover": ["Project handover note, {m} {py}", "Project knowledge base index, {m} {y}"],
    "change_management.communication": ["Change communication plan, {m} {py}", "Staff briefing circular {code}/{n}/{py}"],
    "change_management.participation": ["User acceptance testing sign-off, {m} {y}", "Frontline design workshop report, {m} {py}"],
    "change_management.change_agents": ["List of notified super-users, {m} {py}", "Change agent training record {py}"],
    # barriers
    "reliability.outage_hours": ["Site outage log, {m} {y}"],
    "reliability.backup_power": ["Solar backup installation report {py}", "UPS and generator inventory, {m} {py}"],
    "reliability.redundant_links": ["Secondary link contract {code}-IT-{n}", "Link failover test log, {m} {y}"],
    "reliability.offline_continuity": ["Offline fallback procedure v{v}", "Business continuity drill report, {m} {py}"],
    "cyber_threats.legacy_software": ["Software inventory and patch report, {m} {y}", "Operating system upgrade plan {py}"],
    "cyber_threats.exposure_monitoring": ["Vulnerability assessment report {py}", "Internet-facing asset inventory, {m} {y}"],
    "cyber_threats.phishing_awareness": ["Phishing simulation results, {m} {y}", "Official communication channels circular {code}/{n}/{py}"],
    "user_access.user_profile": ["Service user survey {py}", "Household access survey extract {py}"],
    "user_access.inclusive_design": ["Urdu and regional language interface test, {m} {py}", "Accessibility review {py}"],
    "user_access.women_access": ["Women's facilitation desk report, Q{q} {py}", "Gender access review {py}"],
    "user_access.cost": ["Fee and cost-to-citizen review {py}", "Agent charges survey, {m} {py}"],
    "funding.recurrent_budget": ["Recurrent budget statement {py}-{ys}", "Budget book {py}-{ys}, IT running costs"],
    "funding.donor_dependence": ["Donor exit and sustainability plan {py}", "Project completion report {py}"],
    "funding.release_predictability": ["Budget release record, Q{q} {py}", "Finance department release schedule {py}-{ys}"],
    "policy_continuity.legal_basis": ["Notified rules, SRO {n}/{py}", "Amendment act notification {py}"],
    "policy_continuity.political_turnover": ["Cabinet decision continuing the programme, {m} {py}", "Programme review after the change of minister, {m} {py}"],
    "policy_continuity.broad_support": ["Provincial assembly committee report {py}", "Cross-party standing committee minutes, {m} {py}"],
    "public_trust.citizen_confidence": ["Citizen satisfaction survey {py}", "Channel usage statistics, {m} {y}"],
    "public_trust.transparency": ["Case status tracking page, screenshot {m} {y}", "Data use notice on the service portal, {py}"],
    "public_trust.redress": ["Grievance redress register {py}-{y}", "Record correction procedure v{v}"],
    "public_trust.outreach": ["Community outreach session reports, Q{q} {py}", "Local leaders engagement plan {py}"],
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

# ---------------------------------------------------------------------------------------------
# Agency profiles.  Targets are levels 0-4 per dimension, in rubric order:
#   cap: strategy governance infrastructure services data cybersecurity skills
#   res: inertia discretion hierarchy job_security incentives silos continuity change_management
#   bar: reliability cyber_threats user_access funding policy_continuity public_trust
# numbers: (online_share %, trained_share %, outage_hours per month); None means 'na'.
# ev: share of answers carrying evidence; verified: share of that evidence which is verified.
# ---------------------------------------------------------------------------------------------

AGENCIES = [
    {
        "id": "frdsb", "name": "Federal Revenue Digital Services Bureau", "code": "FRB",
        "tier": "federal", "sector": "revenue",
        "story": "Ready to scale: a mature federal e-filing shop that keeps improving.",
        "respondent": {"2025": ("M. Siddiqui", "it_lead"), "2026": ("M. Siddiqui", "it_lead")},
        "rounds": {
            "2025": {"cap": [3.2, 3.0, 3.3, 3.0, 3.1, 2.9, 2.8], "res": [2.8, 3.0, 2.5, 2.3, 2.6, 2.7, 2.6, 2.7],
                     "bar": [3.0, 2.8, 2.4, 2.9, 2.8, 2.7], "numbers": (71.0, 55.0, 9.0), "ev": 0.6, "verified": 0.35,
                     "na": [], "unknown": ["user_access.women_access"]},
            "2026": {"cap": [3.5, 3.3, 3.5, 3.3, 3.3, 3.2, 3.1], "res": [3.0, 3.2, 2.8, 2.6, 3.0, 3.0, 2.8, 3.0],
                     "bar": [3.2, 3.0, 2.7, 3.1, 3.0, 2.9], "numbers": (79.5, 63.0, 6.5), "ev": 0.7, "verified": 0.45,
                     "na": [], "unknown": []},
        },
    },
    {
        "id": "fseop", "name": "Federal Secretariat e-Office Programme", "code": "EO",
        "tier": "federal", "sector": "e-office (internal)",
        "story": "Ready to scale, but its stage is held back by weak cybersecurity (marked *).",
        # An internal programme for ministries: no citizen-facing services, so no online share,
        # assisted channels or cost to citizens ('na').
        "respondent": {"2025": ("T. Rehman", "it_lead"), "2026": ("T. Rehman", "it_lead")},
        "rounds": {
            "2025": {"cap": [3.0, 3.0, 3.0, 2.8, 3.0, 1.0, 2.6], "res": [2.5, 2.8, 2.2, 2.6, 2.5, 2.8, 2.5, 2.8],
                     "bar": [3.0, 1.6, 2.8, 2.8, 2.6, 2.8], "numbers": (None, 48.0, 7.0), "ev": 0.5, "verified": 0.3,
                     "na": ["services.assisted_channels", "user_access.cost"],
                     "unknown": ["cybersecurity.incident_response"]},
            "2026": {"cap": [3.3, 3.2, 3.3, 3.0, 3.2, 0.9, 2.9], "res": [2.8, 3.0, 2.5, 2.8, 2.7, 3.1, 2.7, 3.0],
                     "bar": [3.1, 1.5, 3.0, 3.0, 2.8, 2.9], "numbers": (None, 58.0, 6.0), "ev": 0.55, "verified": 0.3,
                     "na": ["services.assisted_channels", "user_access.cost"],
                     "unknown": ["cybersecurity.incident_response", "cyber_threats.exposure_monitoring"]},
        },
    },
    {
        "id": "spetd", "name": "Southern Province Excise and Taxation Department", "code": "ET",
        "tier": "provincial", "sector": "revenue",
        "story": "Turning the corner: under-equipped in 2025, ready to scale in 2026 after vehicle "
                 "registration and property tax went online.",
        "respondent": {"2025": ("F. Memon", "it_lead"), "2026": ("F. Memon", "it_lead")},
        "rounds": {
            "2025": {"cap": [2.2, 1.9, 2.0, 1.8, 1.7, 1.5, 1.7], "res": [2.5, 2.5, 2.3, 2.7, 2.3, 2.7, 2.6, 2.7],
                     "bar": [2.5, 2.1, 2.3, 2.5, 2.7, 2.5], "numbers": (24.0, 22.0, 28.0), "ev": 0.3, "verified": 0.1,
                     "na": [], "unknown": ["cyber_threats.exposure_monitoring", "user_access.user_profile"]},
            "2026": {"cap": [2.8, 2.4, 2.4, 2.3, 2.2, 1.9, 2.1], "res": [2.5, 2.6, 2.3, 2.6, 2.4, 2.7, 2.6, 2.8],
                     "bar": [2.4, 2.1, 2.3, 2.6, 2.7, 2.5], "numbers": (46.0, 37.0, 22.0), "ev": 0.4, "verified": 0.15,
                     "na": [], "unknown": ["cyber_threats.exposure_monitoring"]},
        },
    },
    {
        "id": "nplra", "name": "Northern Province Land Records Authority", "code": "LR",
        "tier": "provincial", "sector": "land records",
        "story": "Capable but contested: land records are digitised, but staff and intermediaries who "
                 "lose discretion push back; in 2026 three respondents disagree about how much.",
        "respondent": {"2025": ("A. Khan", "it_lead")},
        "rounds": {
            "2025": {"cap": [2.5, 2.3, 2.4, 2.2, 2.8, 1.8, 1.9], "res": [1.4, 1.0, 1.3, 1.6, 1.5, 1.8, 1.7, 1.6],
                     "bar": [1.8, 1.8, 1.6, 2.2, 2.0, 1.6], "numbers": (38.0, 31.0, 34.0), "ev": 0.4, "verified": 0.2,
                     "na": [], "unknown": ["cyber_threats.exposure_monitoring"]},
            "2026": {"cap": [2.7, 2.5, 2.5, 2.3, 2.9, 2.0, 2.0], "res": [1.6, 1.2, 1.4, 1.6, 1.7, 2.0, 1.8, 1.7],
                     "bar": [2.0, 1.9, 1.7, 2.3, 2.0, 1.7], "numbers": (45.0, 36.0, 30.0), "ev": 0.45, "verified": 0.2,
                     "na": [], "unknown": ["cyber_threats.exposure_monitoring"]},
        },
    },
    {
        "id": "wpps", "name": "Western Province Police Service", "code": "WPP",
        "tier": "provincial", "sector": "police",
        "story": "Stalled: a complaint-registration system exists on paper, but command culture, "
                 "protected discretion and frequent transfers keep cases off it.",
        # Police officers may not form staff unions, so job_security.consultation is 'na'.
        "respondent": {"2025": ("K. Awan", "it_lead"), "2026": ("K. Awan", "it_lead")},
        "rounds": {
            "2025": {"cap": [1.8, 1.5, 1.7, 1.3, 1.4, 1.2, 1.3], "res": [1.7, 1.3, 1.2, 2.0, 1.7, 1.6, 1.5, 1.7],
                     "bar": [2.0, 1.8, 1.9, 2.2, 2.0, 1.5], "numbers": (9.0, 14.0, 46.0), "ev": 0.2, "verified": 0.05,
                     "na": ["job_security.consultation"],
                     "unknown": ["cyber_threats.exposure_monitoring", "user_access.user_profile"]},
            "2026": {"cap": [1.9, 1.7, 1.8, 1.5, 1.6, 1.3, 1.4], "res": [1.8, 1.4, 1.3, 2.0, 1.8, 1.7, 1.5, 1.8],
                     "bar": [2.1, 1.8, 2.0, 2.3, 2.1, 1.6], "numbers": (12.0, 17.0, 42.0), "ev": 0.22, "verified": 0.05,
                     "na": ["job_security.consultation"], "unknown": ["cyber_threats.exposure_monitoring"]},
        },
    },
    {
        "id": "rmc", "name": "Riverside Metropolitan Corporation", "code": "RMC",
        "tier": "municipal", "sector": "municipal services",
        "story": "Regressed after political turnover: ready to scale in 2025; after the 2025 local "
                 "election the new council froze the programme and moved its champion, so it is stalled in 2026.",
        "respondent": {"2025": ("N. Butt", "it_lead"), "2026": ("S. Chaudhry", "it_lead")},
        "rounds": {
            "2025": {"cap": [2.9, 2.5, 2.3, 2.4, 2.2, 1.9, 2.0], "res": [2.5, 2.6, 2.3, 2.5, 2.6, 2.5, 2.5, 2.7],
                     "bar": [2.3, 2.2, 2.4, 2.5, 2.7, 2.6], "numbers": (41.0, 33.0, 24.0), "ev": 0.4, "verified": 0.15,
                     "na": [], "unknown": ["cyber_threats.exposure_monitoring"]},
            "2026": {"cap": [1.6, 1.8, 2.3, 2.3, 2.1, 1.8, 1.8], "res": [1.9, 1.9, 1.5, 2.0, 1.3, 2.0, 0.9, 1.6],
                     "bar": [1.8, 1.6, 1.9, 0.9, 0.6, 1.7], "numbers": (38.0, 18.0, 29.0), "ev": 0.3, "verified": 0.1,
                     "na": [], "unknown": ["cyber_threats.exposure_monitoring", "continuity.handover",
                                           "funding.release_predictability"]},
        },
    },
    {
        "id": "ephsd", "name": "Eastern Province Health Services Directorate", "code": "HSD",
        "tier": "provincial", "sector": "health",
        "story": "Willing but under-equipped: staff and managers want the new patient and stock systems, "
                 "but connectivity, equipment and skills are thin.",
        "respondent": {"2025": ("Z. Hussain", "it_lead"), "2026": ("Z. Hussain", "it_lead")},
        "rounds": {
            "2025": {"cap": [1.8, 1.3, 1.0, 1.1, 1.2, 0.9, 1.0], "res": [2.5, 2.9, 2.5, 2.9, 2.4, 2.5, 2.5, 2.9],
                     "bar": [1.8, 1.9, 2.1, 2.0, 2.7, 2.9], "numbers": (6.0, 12.0, 38.0), "ev": 0.25, "verified": 0.1,
                     "na": [], "unknown": ["cyber_threats.legacy_software", "data.quality"]},
            "2026": {"cap": [2.2, 1.6, 1.3, 1.4, 1.5, 1.1, 1.3], "res": [2.7, 3.1, 2.7, 3.0, 2.6, 2.7, 2.6, 3.1],
                     "bar": [2.0, 2.1, 2.3, 2.2, 2.8, 3.1], "numbers": (11.0, 19.0, 33.0), "ev": 0.3, "verified": 0.1,
                     "na": [], "unknown": ["cyber_threats.legacy_software"]},
        },
    },
    {
        "id": "hpcro", "name": "Highland Province Civil Registration Office", "code": "CRO",
        "tier": "provincial", "sector": "civil registration",
        "story": "Willing but under-equipped: a small, motivated office in remote valleys with frequent "
                 "outages, paper registers and users with little digital access.",
        # Runs only on the provincial budget, never donor-funded: funding.donor_dependence is 'na'.
        "respondent": {"2025": ("G. Shah", "it_lead"), "2026": ("G. Shah", "it_lead")},
        "rounds": {
            "2025": {"cap": [1.2, 0.9, 0.8, 0.8, 0.9, 0.7, 0.8], "res": [2.7, 3.2, 3.0, 3.2, 2.8, 2.6, 2.7, 3.0],
                     "bar": [1.1, 1.7, 1.3, 1.8, 2.7, 3.1], "numbers": (3.0, 6.0, 72.0), "ev": 0.15, "verified": 0.0,
                     "na": ["funding.donor_dependence"], "unknown": ["cyber_threats.exposure_monitoring", "data.quality",
                                                      "cybersecurity.incident_response"]},
            "2026": {"cap": [1.6, 1.2, 1.1, 1.1, 1.2, 0.9, 1.1], "res": [3.0, 3.4, 3.2, 3.3, 3.1, 2.9, 2.9, 3.3],
                     "bar": [1.4, 1.9, 1.6, 2.1, 3.0, 3.3], "numbers": (5.0, 11.0, 65.0), "ev": 0.2, "verified": 0.0,
                     "na": ["funding.donor_dependence"], "unknown": ["cyber_threats.exposure_monitoring",
                                                      "cybersecurity.incident_response"]},
        },
    },
]

# nplra 2026 is answered by three respondents.  Each shifts the agency's targets per pillar (and
# per dimension), leaves some indicators out, says 'unknown' on some, and records its own evidence.
NPLRA_RESPONDENTS = [
    {"file": "nplra-it-lead", "name": "A. Khan", "role": "it_lead",
     "shift": {"capability": 0.0, "resistance": 0.0, "barriers": 0.0}, "dim_shift": {},
     "omit": [], "unknown": ["cyber_threats.exposure_monitoring"], "ev": 0.5, "verified": 0.25},
    {"file": "nplra-senior", "name": "I. Malik", "role": "senior",
     "shift": {"capability": 0.4, "resistance": 1.1, "barriers": 0.5},
     "dim_shift": {"inertia": 0.4, "discretion": 0.6, "hierarchy": 0.6},
     "omit": [], "unknown": ["cyber_threats.exposure_monitoring", "skills.specialists"], "ev": 0.35, "verified": 0.0},
    {"file": "nplra-staff", "name": "R. Baloch", "role": "staff",
     "shift": {"capability": -0.3, "resistance": -0.6, "barriers": -0.3},
     "dim_shift": {"hierarchy": -0.3, "discretion": -0.3},
     "omit": ["governance.procurement", "funding.release_predictability", "policy_continuity.broad_support"],
     "unknown": ["strategy.alignment", "cybersecurity.incident_response", "data.governance",
                 "cyber_threats.exposure_monitoring"], "ev": 0.1, "verified": 0.0},
]


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

def clamp(x: int, lo: int = 0, hi: int = 4) -> int:
    return max(lo, min(hi, x))


def targets(profile: dict) -> dict[str, float]:
    """Dimension id -> target level for one agency-round."""
    out = {}
    for pillar, key in (("capability", "cap"), ("resistance", "res"), ("barriers", "bar")):
        dims = DIMENSIONS[pillar]
        assert len(profile[key]) == len(dims), (pillar, profile[key])
        out.update(zip(dims, profile[key]))
    return out


def persistent_draws(agency_id: str) -> dict[str, float]:
    """One uniform draw per indicator and agency, shared by all rounds and respondents."""
    rng = random.Random(f"{SEED}:{agency_id}:persistent")
    return {ident: rng.random() for _, _, dims in PILLARS for _, _, idents in dims for ident in idents}


def evidence_text(rng: random.Random, ident: str, code: str, year: int) -> str:
    """A fictional document reference for one indicator, dated before the assessment."""
    template = rng.choice(EVIDENCE[ident])
    # A document dated in the assessment year itself is from its first quarter (assessments run in spring).
    month = rng.choice(MONTHS[:3]) if "{m} {y}" in template else rng.choice(MONTHS)
    return template.format(code=code, y=year, py=year - 1, ys=str(year)[2:], m=month, n=rng.randint(2, 48),
                           q=rng.randint(1, 4), v=f"{rng.randint(1, 3)}.{rng.randint(0, 4)}")


def number_value(rng: random.Random, base: float) -> float:
    """A reported percentage or hour count: the profile value with a little respondent noise."""
    value = base * (1 + rng.uniform(-0.06, 0.06))
    return round(min(100.0, max(0.0, value)), 1)


def make_answers(agency: dict, round_: str, profile: dict, *, rng: random.Random,
                 shift: dict | None = None, dim_shift: dict | None = None,
                 omit=(), unknown=None, ev=None, verified=None) -> dict[str, str | None]:
    """Indicator id -> the YAML text of its answer (None = left out)."""
    draws = persistent_draws(agency["id"])
    dim_targets = targets(profile)
    unknown = set(profile["unknown"] if unknown is None else unknown)
    na = set(profile["na"])
    ev = profile["ev"] if ev is None else ev
    verified = profile["verified"] if verified is None else verified
    numbers = dict(zip(("online", "trained", "outage"), profile["numbers"]))
    year = int(round_)
    answers: dict[str, str | None] = {}
    for pillar, _, dims in PILLARS:
        for dim, _, idents in dims:
            target = dim_targets[dim] + (shift or {}).get(pillar, 0.0) + (dim_shift or {}).get(dim, 0.0)
            for ident in idents:
                # Draw everything for every indicator so that one answer's change never shifts the others.
                jitter = rng.random()
                step = rng.choice((-1, 1))
                has_evidence = rng.random() < ev
                is_verified = rng.random() < verified
                text = evidence_text(rng, ident, agency["code"], year)
                if ident in omit:
                    answers[ident] = None
                    continue
                if ident in na:
                    answers[ident] = "na"
                    continue
                if ident in unknown:
                    answers[ident] = "unknown"
                    continue
                if ident in NUMBER_INDICATORS:
                    base = numbers[NUMBER_INDICATORS[ident]]
                    if base is None:
                        answers[ident] = "na"
                        continue
                    value = number_value(rng, base) if shift else base
                    if has_evidence:
                        answers[ident] = f"{{value: {value}, evidence: {json.dumps(text)}}}"
                    else:
                        answers[ident] = f"{value}"
                    continue
                level = math.floor(target + draws[ident])
                if jitter < 0.12:
                    level += step
                level = clamp(level)
                if has_evidence and level >= 1:
                    grade = "verified" if is_verified and level >= 2 else "documented"
                    answers[ident] = f"{{level: {level}, evidence: {json.dumps(text)}, evidence_level: {grade}}}"
                else:
                    answers[ident] = str(level)
    return answers


def render(agency: dict, round_: str, name: str, role: str, answers: dict[str, str | None],
           note: str | None = None) -> str:
    lines = [HEADER]
    if note:
        lines.append(f"# {note}")
    lines += [
        "",
        f"rubric: {RUBRIC}",
        f"agency: {agency['name']}",
        f"agency_id: {agency['id']}",
        f'round: "{round_}"',
        f"respondent: {{name: {name}, role: {role}}}",
        "answers:",
    ]
    for pillar, pillar_title, dims in PILLARS:
        lines += ["", f"  # {'=' * 70}", f"  # {pillar_title}", f"  # {'=' * 70}"]
        for dim, dim_title, idents in dims:
            lines.append(f"  # --- {dim_title} ({dim}) ---")
            for ident in idents:
                answer = answers[ident]
                if answer is None:
                    lines.append(f"  # {ident}: left out (this respondent did not answer it)")
                else:
                    lines.append(f"  {ident}: {answer}")
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    for round_ in ROUNDS:
        folder = OUT / round_
        if folder.is_dir():
            for old in folder.glob("*.yaml"):
                old.unlink()
    for agency in AGENCIES:
        for round_ in ROUNDS:
            profile = agency["rounds"][round_]
            rng = random.Random(f"{SEED}:{agency['id']}:{round_}")
            if agency["id"] == "nplra" and round_ == "2026":
                for resp in NPLRA_RESPONDENTS:
                    rrng = random.Random(f"{SEED}:{agency['id']}:{round_}:{resp['role']}")
                    answers = make_answers(agency, round_, profile, rng=rrng, shift=resp["shift"],
                                           dim_shift=resp["dim_shift"], omit=resp["omit"],
                                           unknown=resp["unknown"], ev=resp["ev"], verified=resp["verified"])
                    note = (f"One of three respondents for {agency['id']} round {round_} "
                            f"(see nplra-it-lead, nplra-senior, nplra-staff).")
                    write(OUT / round_ / f"{resp['file']}.yaml",
                          render(agency, round_, resp["name"], resp["role"], answers, note))
                continue
            name, role = agency["respondent"][round_]
            answers = make_answers(agency, round_, profile, rng=rng)
            write(OUT / round_ / f"{agency['id']}.yaml", render(agency, round_, name, role, answers))


if __name__ == "__main__":
    main()

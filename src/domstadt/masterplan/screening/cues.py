"""German and English text cues per rubric question, from which the screening proposal is made.

Each cue is a regular expression over lower-cased text (German compounds are matched by their
stems, so ``personenbez`` finds "personenbezogene Daten"). A question's answer is proposed
only when a cue is found, and the sentence holding it is shown beside the answer.
"""

from __future__ import annotations

HARD_STOP_CUES: dict[str, list[str]] = {
    "social_scoring": [r"social[ -]scoring", r"sozialkredit", r"punktesystem für (das )?verhalten",
                       r"verhalten(s)?bewertung von (bürger|person|einwohner)"],
    "manipulation": [r"manipulier\w* (von )?(person|bürger|kinder|nutzer)",
                     r"unterschwellig\w* beeinfluss", r"subliminal"],
    "predictive_policing": [r"predictive policing", r"vorhersage von straftaten",
                            r"kriminalitätsprognose\w*", r"predict\w* (crime|criminal|recidivism)",
                            r"rückfallprognose"],
    "facial_scraping": [r"gesichtsbilder\w* (aus dem internet|sammeln)",
                        r"scrap\w* (of )?fac(e|ial) images"],
    "emotion_recognition": [r"emotionserkennung", r"emotion recognition",
                            r"gefühlserkennung"],
    "biometric_categorisation": [r"biometrische kategorisierung",
                                 r"biometric categori[sz]ation"],
    "realtime_biometric_id": [r"echtzeit-?gesichtserkennung", r"live facial recognition",
                              r"real[- ]time (facial|biometric) (recognition|identification)",
                              r"gesichtserkennung im öffentlichen raum"],
    "fully_automated_decision": [r"vollautomatisiert\w* (verwaltungsakt|bescheid|entscheid)",
                                 r"fully automated (decision|determination)",
                                 r"ohne menschliche prüfung (entschieden|erlassen)"],
}  # fmt: skip

HIGH_RISK_CUES: dict[str, list[str]] = {
    "biometrics": [r"gesichtserkennung", r"facial (recognition|comparison|matching)",
                   r"biometri", r"fingerabdr", r"fingerprint", r"iris[- ]?scan"],
    "medical_devices": [r"medical device", r"medizinprodukt", r"fda[- ]cleared",
                        r"clinical decision support", r"klinische entscheidungsunterstütz",
                        r"diagnos\w* (support|software|imaging)", r"mammograph", r"radiolog"],
    "law_enforcement": [r"polizei", r"police", r"law enforcement", r"strafverfolg",
                        r"threat detection", r"weapon", r"waffe",
                        r"criminal investigat", r"ermittlungsverfahren", r"suspect",
                        r"tatverdächtig", r"forensic", r"forensisch"],
    "migration": [r"\basyl", r"asylum", r"ausländerbehörde", r"aufenthaltstitel",
                  r"immigra", r"\bvisa\b", r"border (control|security|crossing)",
                  r"grenzkontroll", r"refugee status", r"einbürgerung", r"naturali[sz]ation"],
    "education": [r"leistungsbewertung von schüler", r"prüfungsaufsicht", r"proctor",
                  r"grading", r"zulassung zum studium", r"admission", r"schulplatzvergabe",
                  r"student (assessment|performance)", r"lernstandserhebung"],
    "employment": [r"bewerber\w*auswahl", r"personalauswahl", r"recruit", r"hiring",
                   r"job applicant", r"stellenbesetzung", r"beförderung", r"promotion decision",
                   r"employee performance", r"leistungsbeurteilung"],
    "public_benefits": [r"sozialleistung", r"leistungsantr", r"wohngeld", r"bürgergeld",
                        r"grundsicherung", r"kindergeld", r"elterngeld", r"sozialhilfe",
                        r"benefit(s)? (claim|eligib|application|determination|payment)",
                        r"eligibility", r"entitlement", r"disability (claim|benefit|compensation)",
                        r"leistungsanspruch", r"\bclaims? (processing|review|adjudicat)",
                        r"representative payee", r"disability review", r"co-?pay exemption"],
    "critical_infrastructure": [r"wasserversorgung", r"trinkwasser", r"stromnetz",
                                r"energienetz", r"verkehrssteuerung", r"ampelsteuerung",
                                r"traffic (signal|control|management)", r"water (supply|system)",
                                r"power grid", r"electric(al|ity)? grid", r"gasnetz",
                                r"pipeline", r"air traffic", r"nuclear", r"kritische infrastruktur",
                                r"critical infrastructure", r"dam safety"],
}  # fmt: skip

YES_CUES: dict[str, list[str]] = {
    "personal_data": [r"personenbez", r"personal(ly)? (identifiable|data|information)", r"\bpii\b",
                      r"\bphi\b", r"antragsteller", r"applicant", r"patient", r"gesundheitsdaten",
                      r"health record", r"medical record", r"social security", r"\bssn\b",
                      r"beschäftigte\w* daten", r"employee (data|record)", r"schüler\w*daten",
                      r"veteran", r"claimant", r"taxpayer", r"steuerpflichtig", r"biometri",
                      r"gesicht", r"\bfaces?\b", r"fingerprint", r"videoüberwach",
                      r"kfz-kennzeichen", r"license plate", r"e-?mail-adress",
                      r"meldedaten", r"melderegister", r"name(n)? und (adresse|anschrift)",
                      r"date of birth", r"geburtsdatum", r"case files?", r"fallakte",
                      r"bürgeranfragen", r"citizen (request|inquir)",
                      r"beneficiar", r"personnel", r"\bhr\b", r"human resources",
                      r"complaint", r"beschwerde", r"name matching", r"customer",
                      r"kund(en|innen)", r"disability (case|claim|benefit)", r"investigat",
                      r"ermittlung", r"payee", r"home address", r"mailing address",
                      r"wohnanschrift"],
    "discretion": [r"ermessen", r"einzelfall", r"discretion", r"judg(e)?ment",
                   r"adjudicat", r"eligibility determination", r"prüfung von anträgen",
                   r"bewertung von anträgen"],
    "vulnerable_groups": [r"kinder", r"jugendlich", r"jugendamt", r"senior", r"ältere",
                          r"behinder", r"disabilit", r"geflüchtet", r"refugee", r"obdachlos",
                          r"homeless", r"armut", r"low[- ]income", r"sozialhilfe",
                          r"pflegebedürftig", r"children", r"elderly", r"veteran",
                          r"migrant", r"wohnungslos"],
    "scrutiny": [r"polizei", r"police", r"überwachung", r"surveillance", r"gesichtserkennung",
                 r"facial recognition", r"\basyl", r"asylum", r"immigra", r"kinderschutz",
                 r"child welfare", r"\bwahl(en)?\b", r"election", r"sozialleistung",
                 r"law enforcement", r"predictive policing"],
    "opaque": [r"neuronal", r"neural net", r"deep learning", r"\bllm", r"large language model",
               r"generativ", r"generative", r"sprachmodell", r"language model", r"black[- ]box",
               r"transformer", r"\bgpt", r"chatgpt", r"copilot"],
    "learns": [r"lernt (fortlaufend|kontinuierlich|im betrieb)", r"continuous(ly)? learn",
               r"online learning", r"retrain", r"nachtrainiert", r"selbstlernend",
               r"self-learning", r"re-?trained (periodically|regularly|continuously)"],
    "connected_devices": [r"sensor", r"\biot\b", r"internet of things", r"lorawan",
                          r"\bkamera", r"camera", r"drohne", r"drone", r"vernetzte\w* gerät",
                          r"telemetr", r"smart meter", r"messstation", r"ampel",
                          r"bodycam", r"satellit", r"satellite"],
}  # fmt: skip

NO_CUES: dict[str, list[str]] = {
    "personal_data": [r"keine personenbez", r"anonymisiert", r"no (pii|personal)",
                      r"does not (use|involve|contain) (any )?(pii|personal)",
                      r"ohne personenbez", r"aggregiert\w* daten"],
}
"""Cues that state the contrary answer explicitly."""

FULL_AUTOMATION = [r"vollautomatisch", r"automatically (decid|approv|den(y|ies))",
                   r"without (any )?human (review|involvement|intervention)",
                   r"ohne menschliche (prüfung|beteiligung)", r"automatisiert\w* bescheid"]  # fmt: skip
ASSIST = [r"unterstütz\w* (die |den )?(sachbearbeit|mitarbeit|beschäftigt)", r"\bassist",
          r"empfehl", r"recommend", r"priorisier", r"prioriti[sz]", r"triage", r"\bflag",
          r"decision support", r"entscheidungsunterstütz", r"vorschl", r"review(er)?s?\b",
          r"human[- ]in[- ]the[- ]loop", r"analyst"]  # fmt: skip

HEALTH_HIGH = [r"patient", r"medizin", r"medical", r"clinical", r"klinisch", r"diagnos",
               r"rettungsdienst", r"notfall", r"emergency", r"unfall", r"accident", r"hazard",
               r"gefahrenabwehr", r"hochwasser", r"flood", r"wildfire", r"\bfire\b",
               r"feuerwehr", r"katastroph", r"disaster", r"safety", r"verkehrssicherheit",
               r"pflege", r"suicid", r"suizid", r"overdose", r"disease", r"krankheit",
               r"epidemi", r"pandemi"]  # fmt: skip
HEALTH_MODERATE = [r"gesundheit", r"health", r"wohlbefinden", r"lärm", r"luftqualität",
                   r"air quality", r"hitze", r"heat", r"wellbeing", r"well-being"]  # fmt: skip
ECONOMIC = [r"gebühr", r"steuer", r"\btax", r"förderung", r"zuschuss", r"\bgrant", r"payment",
            r"zahlung", r"\bloan", r"kredit", r"bußgeld", r"\bfines?\b", r"benefit",
            r"wirtschaftlich", r"financial", r"finanziell", r"procurement", r"vergabe"]  # fmt: skip

MITIGATION_CUES: dict[str, list[str]] = {
    "consult_affected": [r"bürgerbeteiligung", r"beteiligung", r"partizipat", r"consultation",
                         r"user research", r"nutzertest", r"co-creation", r"mit betroffenen"],
    "bias_tests": [r"\bbias", r"diskriminier", r"fairness", r"verzerrung", r"disparit"],
    "data_quality_process": [r"datenqualität", r"data quality", r"validier", r"validat"],
    "audit_trail": [r"protokollier", r"audit trail", r"\blogging", r"nachvollziehbar"],
    "override_log": [r"übersteuer", r"override"],
    "reasons": [r"begründ", r"erklärbar", r"explainab", r"explanation"],
    "recourse": [r"widerspruch", r"appeal", r"beschwerdeverfahren"],
    "fallback": [r"fallback", r"weiterhin (analog|persönlich|telefonisch)", r"manual process",
                 r"alternativ\w* (zugang|weg|kanal)"],
    "privacy_assessment": [r"datenschutz-?folgenabschätzung", r"\bdsfa\b", r"\bdpia\b",
                           r"privacy impact assessment", r"\bpia\b"],
    "open_data": [r"open data", r"offene daten", r"open-data", r"opendata"],
}  # fmt: skip

POTENTIAL_CUES: dict[str, list[str]] = {
    "repetitiveness": [r"routine", r"wiederkehrend", r"repetitiv", r"repetitive", r"manuell",
                       r"manual", r"sortier", r"klassifizier", r"classif", r"zuordn", r"triage",
                       r"formular", r"\bforms?\b", r"anträge bearbeit", r"process(ing)? of",
                       r"daily", r"täglich", r"standard\w* (anfrage|vorgang)"],
    "case_volume": [r"tausend", r"thousands", r"millions?", r"millionen", r"high volume",
                    r"large (number|volume)", r"hohe (anzahl|fallzahl|zahl)", r"viele anfragen",
                    r"\d[\d.,]*\s*(anträge|fälle|anfragen|dokumente|requests|documents|cases|"
                    r"applications|calls|anrufe)", r"massen"],
    "clear_rules": [r"regel", r"\brules?\b", r"rule-based", r"muster", r"pattern",
                    r"standardisiert", r"kategori", r"categor", r"checkliste", r"criteria",
                    r"kriterien"],
    "data_availability": [r"daten(satz|sätze|bestand|bank|banken|portal)", r"data ?set",
                          r"database", r"datenbank", r"register", r"open data", r"historical data",
                          r"records", r"sensordaten", r"geodaten"],
    "data_volume": [r"big data", r"große datenmengen", r"large (amounts|volumes) of data",
                    r"historische daten", r"historical data", r"zeitreihe", r"time series",
                    r"jahre an daten", r"years of data", r"millions of"],
    "data_quality": [r"strukturiert", r"structured data", r"qualitätsgesichert", r"validated",
                     r"standardisiert", r"maschinenlesbar", r"machine[- ]readable"],
    "measurable_benefit": [r"reduz", r"\bsenk", r"einspar", r"\bsav(e|es|ing)", r"reduc",
                           r"beschleunig", r"faster", r"schneller", r"efficien", r"effizien",
                           r"wartezeit", r"kennzahl", r"\bkpi", r"\d+\s?(%|prozent|percent)",
                           r"hours", r"stunden", r"minuten", r"minutes"],
    "proven_elsewhere": [r"erprobt", r"bewährt", r"pilot", r"andere\w* (städte|kommunen)",
                         r"best practice", r"vorbild", r"nach dem vorbild", r"already (in )?use",
                         r"bereits (im )?einsatz", r"proven", r"commercial", r"off[- ]the[- ]shelf",
                         r"\bcots\b"],
}  # fmt: skip

TASK_CUES: dict[str, list[str]] = {
    "llm": [r"chatbot", r"chat-?bot", r"generativ", r"generative", r"\bllm", r"sprachmodell",
            r"language model", r"\brag\b", r"\bgpt", r"virtual assistant", r"copilot",
            r"summar", r"zusammenfass"],
    "ocr": [r"\bocr\b", r"texterkennung", r"optical character", r"scan", r"digitalisierung von akten",
            r"handschrift", r"handwrit", r"formular\w* auslesen", r"document extraction"],
    "cv": [r"bilderkennung", r"computer vision", r"image (recognition|classification|analysis)",
           r"\bbild(er|daten)?\b", r"\bimages?\b", r"video", r"kamera", r"camera", r"foto",
           r"photo", r"object detection"],
    "ts": [r"prognos", r"forecast", r"vorhersag", r"zeitreihe", r"time series", r"predict"],
    "anom": [r"anomal", r"fraud", r"betrug", r"auffällig", r"unusual", r"outlier", r"improper"],
    "opt": [r"route", r"routen", r"optimier", r"optimi[sz]", r"schedul", r"tourenplan",
            r"logistik", r"logistics", r"einsatzplan"],
    "rec": [r"matching", r"empfehlung", r"recommend", r"zuordnung", r"match\w* (of|between)"],
    "asr": [r"spracherkennung", r"transcri", r"speech", r"diktat", r"voice", r"sprachausgabe"],
    "geo": [r"geodaten", r"\bgis\b", r"luftbild", r"satellit", r"remote sensing",
            r"fernerkundung", r"geospatial", r"karte\w*", r"\bmaps?\b", r"lidar"],
    "nlp": [r"\btext", r"dokument", r"document", r"klassifikation", r"e-?mails?", r"anfragen",
            r"natural language", r"\bnlp\b", r"extrakt", r"extract", r"sentiment", r"übersetz",
            r"translat"],
}  # fmt: skip

INTERACTS = [r"chatbot", r"chat-?bot", r"virtual (assistant|agent)", r"sprachassistent",
             r"voice assistant", r"dialogsystem", r"beantwortet (fragen|anfragen)",
             r"answers? (questions|inquiries) (from|of) (the public|citizens|users)",
             r"bürger\w* (fragen|stellen fragen)", r"public[- ]facing", r"(for|to) the public",
             r"live chat", r"callcenter", r"call center", r"kundenservice",
             r"customer service"]  # fmt: skip
GENERATES = [r"generativ", r"generative", r"\bllm", r"sprachmodell", r"language model",
             r"\bgpt", r"text generation", r"textgenerierung", r"entw(u|ü)rf\w* (erstell|schreib)",
             r"drafts?\b", r"zusammenfass", r"summar", r"übersetz", r"translat",
             r"bildgenerier", r"image generation", r"synthetic"]  # fmt: skip

### Ranks' interface in English.
### A message id is the key the code asks for with its dots written as
### hyphens (`tr.get("nav.dashboard")` reads `nav-dashboard`). Every id
### exists in vi, en and de (a test checks it); arguments are Fluent
### variables (`{ $max }`), counts select a plural form.

app-tagline = Member development
nav-dashboard = Dashboard
term = Term
unit = Unit
code = Code
members = Members
target = Target
admitted = Admitted
percent = Achievement
progress = Progress
no_target = no target
units_below = Subordinate units
summary-members = Members in total
summary-admitted = Admitted in the term
summary-achievement = Of the target
summary-units = Subordinate organisations
dashboard-title = Member development results
dashboard-explain = Admissions are counted by the date of the admission decision within the term, summed up the current tree.
supervisors = Committee members in charge
supervises = in charge of
candidates = Candidates in the pipeline
candidates-none = No candidates yet.
since = Since
mentors = Mentors
movement = Movement
movements = Emulation movements (sources)
movements-none = No candidates from emulation movements yet.
moves = Changes to the tree
moves-none = No changes.
moved_from = moved from
moved_to = to
effective = effective
name = Full name
birth_date = Born
gender = Gender
cell = Cell
status = Status
admitted_on = Admitted on
official_on = Official since
role = Role
count = Count
of_whom_admitted = of whom admitted
error-title = Something is wrong
error-not_found = Not found
error-back = Back to the dashboard
empty = The database holds no units yet. Run `ranks demo` to load the demo.
no_terms = No terms defined yet.
today = Today
due = Deadlines due and overdue
due-none = No deadline is running.
due-date = Due
due-assumed = — counted from the decision (the day it was received is not recorded), assumed:
cand-received_on = Day the cell received the decision
cand-record_receipt = Record the receipt
due-left = Working days left
due-next = Next step
due-rule = Rule
due-overdue = Overdue
due-escalated = Escalated to
refusals = Refused steps
refusals-reason = Reason
stage = Stage
login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in
login-wrong = Wrong username or password.
login-rate_limited = Too many failed sign-ins; try again in 15 minutes.

# Sign-in hardening (issue 12): the sign-in form's own CSRF token.
login-csrf = The sign-in form has expired or did not come from this site; please sign in again.
logout = Sign out
search = Search
cand-timeline = Timeline
cand-next = Next step
cand-document = Documents needed
cand-record_document = Record as present
cand-date = Date
cand-vote = Vote
cand-eligible = Entitled to vote
cand-present = Present
cand-for = In favour
cand-against = Against
cand-record = Record
cand-assign_mentor = Assign a mentor
cand-member = Member
cand-probation_mentor = Mentor during probation
cand-assign = Assign
cand-introducers = Introducers
cand-add_introducer = Add an introducer
cand-together_since = Worked together since
cand-youth_union = Introduced by the Youth Union (form 4-KNĐ)
cand-trade_union = Introduced by the trade union (form 4A-KNĐ)
cand-memberships = Mass organisations
cand-youth_union_member = Youth Union member
cand-trade_union_member = Trade-union member
cand-save_memberships = Save
cand-unit_youth_union = The unit has a Youth Union organisation
cand-unit_trade_union = The unit has a trade union
cand-unit_no_youth_union = The unit has no Youth Union organisation
cand-unit_no_trade_union = The unit has no trade union
cand-routes_hint = In youth age (to 30), where there is a Youth Union organisation: a Youth Union member, introduced by the grassroots Youth Union committee (form 4-KNĐ) and one official member; outside youth age, where there is a trade union: possibly the grassroots trade-union committee (form 4A-KNĐ) and one official member; otherwise two official members.
cand-certificate = Party-awareness course certificate
cand-issued = Issued on
cand-number = Certificate number
cand-record_certificate = Record the certificate
cand-none_yet = None yet
cand-add = Add to the pool
cand-full_name = Full name
cand-birth_date = Date of birth
cand-gender = Gender
cand-grade = General education (grade)
cand-movement = Emulation movement
cand-occupation = Occupation
history = Change history
back = Back
plan-by = By
plan-admissions = admissions
plan-pro_rata = the target's even pace calls for
plan-per_year = Figures per year (the chart as a table)
plan-year = Year
plan-cumulative = Cumulative
plan-period = Term or year
plan-set_target = Set the target
plan-criterion = Criterion
plan-enter_score = Enter the score
member-id_number = ID number
member-phone = Phone
member-official_on = Official since
member-card = Party card number
member-temporary = Temporarily active in
member-exempt = Exempted from activities
member-movement = Record a movement
member-kind = Kind of movement
member-to_cell = To the cell (code)
member-study = For study (3 months to 2 years)
member-until = Until
member-destination = Destination (outside the tree)
member-level = Exemption level
member-reason = Reason
mv-transfer = Official transfer (within the tree)
mv-transfer_out = Transfer out
mv-temporary = Temporary transfer
mv-return = Return from a temporary transfer
mv-exempt = Exemption
mv-remove = Removal from the rolls
mv-expel = Expulsion
mv-death = Death
mv-card = Party card issued
member-exit_ground = Ground of leaving the Party (for re-admission)
member-record_cleared = Criminal record cleared on
ground-abandoned_activities = Abandoned party activities
ground-asked_to_leave = Asked to leave the Party
ground-asked_to_leave_family_hardship = Asked to leave for especially difficult family reasons
ground-serious_disunity = Seriously damaged internal unity
ground-corruption_conviction = Convicted of corruption
ground-serious_crime_conviction = Convicted of a serious crime or worse
ground-minor_crime_conviction = Convicted of a less serious crime
ground-other = Other ground
import = Import from a spreadsheet
import-explain = Upload a CSV or XLSX file (units, members or candidates). Ranks checks every row and writes only when all are right.
import-preview = Preview
import-rows = rows
import-row = Row
import-problems = problems
import-nothing_written = nothing has been written.
import-confirm = Confirm the import
import-upload = Upload a file
import-kind = Kind of records
import-auto = Recognise from the header row
import-file = CSV or XLSX file
import-check = Check
import-formats = File formats
import-column = Column
import-required = Required
import-example = Example
import-written = rows written.
import-expired = The upload waited too long (30 minutes); upload it again.
import-no_file = No file chosen.

# Import limits (issue 12): a refused upload names the limit ($max).
import-limit-upload_bytes = The file is too large: the limit is { $max }.
import-limit-unpacked_bytes = The XLSX file unpacks to more than the limit of { $max }.
import-limit-zip_entries = The XLSX file holds more than { $max } parts; save the sheet alone in a new workbook.
import-limit-tag_attributes = The XLSX file has an XML tag with more than { $max } attributes, which no spreadsheet program writes.
import-limit-tag_bytes = The XLSX file has an XML tag longer than { $max }, which no spreadsheet program writes.
import-limit-rows = The file goes past the limit of { $max } rows under the header; split the file.
import-limit-columns = The file has a value past the limit of { $max } columns.
import-limit-cells = The file holds more than { $max } cells with a value; split the file.
import-limit-cell_chars = A cell holds more than { $max } characters.
import-limit-detail = Details
import-busy = Too many imports are in progress; try again in a minute.
pdf-achievement = Member development report
pdf-checklist = Admission dossier checklist
pdf-made_on = Made on
pdf-print = Printable (PDF)
dashboard-pipeline = Open files by stage
dashboard-files = Files
statistics = Year-end statistics
candidates-found = Candidates
history-at = When
history-actor = By
history-action = Action
history-before = Before
history-after = After
history-none = No change recorded.
export-csv = Download CSV
export-xlsx = Download XLSX
plan = Plan, forecast, analysis
plan-burnup = Admissions against the term target
plan-forecast = Forecast to the end of the term
plan-expected = Expected
plan-interval = 80 % interval
plan-chance = Chance to reach
plan-at_risk = At risk
plan-counted = Candidates counted
plan-allocation = Target allocation
plan-children = Sum of children
plan-difference = Difference
plan-analytics = Stages and bottlenecks
plan-entered = Entered
plan-conversion = Conversion
plan-median = Median (working days)
plan-p90 = P90
plan-waiting = Waiting
plan-bottlenecks = Bottlenecks, worst first
plan-funnel = Funnel by stage
plan-movements = Movements: pool → course → admitted → official
plan-mentors = Mentors
plan-evaluation = Year-end evaluation
plan-score = Score
plan-grade = Grade
plan-cap = Cap on excellent
plan-cap_exceeded = exceeded
plan-cap_ok = respected
kind-central = Central
kind-provincial = Provincial committee
kind-superior = Superior committee
kind-grassroots_committee = Grassroots committee
kind-grassroots_cell = Grassroots cell
kind-cell = Cell
status-probationary = Probationary
status-official = Official
status-transferred_out = Transferred out
status-removed = Removed
status-expelled = Expelled
status-deceased = Deceased

## Counts with their plural form (English and German have one, Vietnamese has none).
import-rows-count = { $count ->
    [one] { $count } row
   *[other] { $count } rows
}
import-problems-count = { $count ->
    [one] { $count } problem
   *[other] { $count } problems
}
import-written-count = { $count ->
    [one] { $count } row written.
   *[other] { $count } rows written.
}
candidates-count = { $count ->
    [one] { $count } candidate
   *[other] { $count } candidates
}
members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
plan-admissions-count = { $count ->
    [one] { $count } admission
   *[other] { $count } admissions
}
dashboard-files-count = { $count ->
    [one] { $count } file
   *[other] { $count } files
}

## Error messages, for `tr_args` on the error path. The English text is the
## one the API and the pages show today.
error-internal = internal error; the details are in the server log
error-unknown = unknown { $what }: { $key }
error-invalid = { $field }: '{ $value }' is not valid; expected { $expected }
error-refused = refused: { $message } ({ $source })
error-forbidden = not allowed: { $reason }
error-rate_limited = too many failed sign-ins; try again in 15 minutes
error-empty = the database holds no units yet; run `ranks demo` or import a tree
error-busy = too many imports in progress ({ $running } running, { $waiting } waiting: import.max_running, import.max_waiting); try again in a minute
error-conflict-same_time = someone else recorded the same thing at the same time; nothing was saved, reload and try again
error-method_not_allowed = { $reason }: { $method } is not a method of this route
# The reasons of error-forbidden.
error-forbidden-csrf = missing or wrong CSRF token
error-forbidden-wrong_login = wrong username or password
error-forbidden-import_needs_writer = importing needs a role that writes
error-forbidden-history_personal = the history holds personal details
error-forbidden-admin_adds_users = only an administrator adds users
error-forbidden-admin_changes_passwords = only an administrator changes passwords
error-forbidden-admin_disables_users = only an administrator disables or enables users
error-forbidden-bulk_import = a bulk import needs an administrator of the whole tree
error-forbidden-root_unit = only a top-level administrator may create a root unit
error-forbidden-calendar = only a top-level administrator may change the calendar
error-forbidden-records_data = a { $role } does not record data
error-forbidden-enters_evaluations = a { $role } does not enter evaluations
# Roles, as $role of the reasons above.
error-role-admin = admin
error-role-staff = staff
error-role-supervisor = supervisor
error-role-secretary = secretary
error-role-viewer = viewer
# What error-unknown did not find, as its $what.
error-what-candidate = candidate
error-what-leader = leader
error-what-list = list
error-what-member = member
error-what-movement = movement
error-what-person = person
error-what-record_kind = record kind
error-what-supervisor = supervisor
error-what-term = term
error-what-token = token
error-what-unit = unit
error-what-user = user

# issue 15: texts
refusal-stage-unknown = stage '{ $key }' is not in the procedure
refusal-date-future = { $on } is after today ({ $today })
refusal-sequence-start = a candidate starts at the stage “{ $stage }”
refusal-date-order = “{ $stage }” on { $on } would come before the current stage “{ $stage_current }” of { $since }
refusal-stage-closed = the file is closed at “{ $stage_current }”
refusal-sequence-exit = “{ $stage }” cannot be taken from “{ $stage_current }”
refusal-sequence-unit-kind = “{ $stage }” is not a step for a candidate of a grassroots cell: its resolution goes to the superior committee directly
refusal-sequence-passed = “{ $stage }” has already been passed (the candidate is at “{ $stage_current }”)
refusal-sequence-missing = “{ $stage_missing }” is required before “{ $stage }”
refusal-skip = “{ $reason }” is not a reason to enter “{ $stage }” without its documents
refusal-documents = “{ $stage }” needs { $count ->
    [one] the document
   *[other] the documents
} { $documents } recorded first
refusal-vote-missing = “{ $stage }” is a vote: record eligible, present, in favour and against
refusal-vote-counts = the vote does not add up: { $eligible } eligible, { $present } present, { $in_favour } in favour, { $against } against
refusal-vote-share = { $in_favour } in favour of { $eligible } eligible; at least { $share } of them must be in favour
refusal-mentors = { $count } { $count ->
    [one] mentor
   *[other] mentors
} assigned, { $required } required
refusal-probation-mentors = { $count } probation { $count ->
    [one] mentor
   *[other] mentors
} assigned, { $required } required at the ceremony
refusal-probation-wait = probation runs { $months } months from the ceremony of { $ceremony }, until { $until }
refusal-probation-no-ceremony = no admission ceremony is recorded
refusal-age-no-birth-date = the birth date is not recorded
refusal-age-young = aged { $years } years { $months } months on { $on }; at least { $min } years are required
refusal-age-old-decision = aged { $years } years { $months } months when the cell considered the candidate; over { $max } years the admission decision needs the prior written consent of the provincial standing committee (document { $document })
refusal-age-old = aged { $years } years { $months } months on { $on }; over { $max } years the cell may consider a candidate only with health and prestige and working or living where there is no party organisation or no party member, or for a special requirement, recorded first (document { $document })
refusal-education-consent = the education exception for “{ $area }” needs the provincial standing committee's written consent before the admission decision (document { $document })
refusal-education = general education grade { $grade } is below the required { $required }
refusal-certificate-missing = no Party-awareness course certificate is recorded
refusal-certificate-later = the certificate is dated { $issued }, after { $on }
refusal-certificate-expired = the certificate of { $issued } expired after { $months } months, on { $expired }
refusal-introducers = { $valid } valid { $valid ->
    [one] introducer
   *[other] introducers
}, { $required } required
refusal-not-valid = not valid: { $names }
refusal-introducers-youth-age = { $valid } valid introducer(s), { $required } required; the Youth Union resolution counts only for a youth-age candidate with form 4-KNĐ recorded
refusal-introducers-youth-route = { $valid } valid introducer(s), { $required } required; the Youth Union resolution counts only for a candidate of youth age where there is a Youth Union organisation
refusal-introducers-union = { $valid } valid introducer(s), { $required } required; the trade-union resolution counts only outside youth age, for a trade-union member where there is a trade union, with form { $document } recorded
refusal-youth-route-not-member = a candidate of youth age (up to { $max }) where there is a Youth Union organisation must be a Youth Union member and be introduced by the grassroots Youth Union committee's resolution (form { $document }) and { $members } official member(s); the candidate is not recorded as a Youth Union member
refusal-youth-route-no-resolution = a candidate of youth age (up to { $max }) where there is a Youth Union organisation is introduced by the grassroots Youth Union committee's resolution (form { $document }) and { $members } official member(s); no Youth Union resolution is recorded, and { $valid } official member(s) alone do not suffice
refusal-youth-route-form = form { $document } is not recorded on or before { $on }
refusal-youth-route-members = { $valid } valid official member(s) besides the Youth Union resolution, { $required } required
refusal-readmit-once = already re-admitted once, on { $on }; a person is re-admitted only once
refusal-readmit-ground-unknown = left the Party on { $left }; the ground of leaving is not recorded
refusal-readmit-ground = left the Party on { $left } on the ground “{ $ground }”: not re-admitted on this ground (294-QĐ/TW mục 3.5.2)
refusal-readmit-record-unknown = left the Party on { $left } on the ground “{ $ground }”: the day the criminal record was cleared is not recorded; re-admission is possible { $months } months after it
refusal-readmit-record-wait = the criminal record was cleared on { $cleared }; re-admission is possible from { $from }
refusal-readmit-wait = left the Party on { $left }; re-admission is possible from { $from }
refusal-readmit-consent = re-admission needs the written consent of the provincial standing committee (document { $document }) recorded before “{ $stage }”
refusal-temporary-transfer = a temporary transfer for work or residence lasts { $min } to { $max } whole months; { $from } to { $until } is { $months }
refusal-temporary-transfer-study = a temporary transfer for study lasts { $min } to { $max } whole months; { $from } to { $until } is { $months }
error-invalid_value = { $field }: '{ $value }' is not valid
error-expected-date_format = a date as YYYY-MM-DD
error-expected-not_after_today = a date not after today
error-expected-together = the date the two began to work together
error-expected-member_of_list = a member of the list
error-expected-certificate_date = the date on the certificate
error-expected-certificate_number = the certificate's number
error-expected-received = the day the decision was received
field-date = Date
field-since = Working together since
field-member = Member
field-issued = Issued
field-number = Number
field-received_on = Decision received on
field-code = Document
field-stage = Stage
field-year = Year
field-birth_date = Birth date
field-full_name = Full name
field-gender = Gender
fix-documents = Record the missing document
fix-mentors = Assign a mentor
fix-introducers = Add an introducer
fix-memberships = Record the Youth Union membership
fix-certificate = Record the certificate
fix-vote = Correct the vote
fix-wait = Record this step on or after { $date }
fix-date = Choose the step's date again
fix-step = Record the earlier step
fix-none = No further step can be recorded in this file
field-term = Term
field-period = Period
field-score = Score
field-target = Target
field-grade = Grade
field-general_grade = General education
field-id_number = ID number
field-name = Name
field-org = Unit
field-cell = Cell
field-kind = Kind
field-reason = Reason
field-destination = Destination
field-until = Until
field-ground = Ground of leaving
field-area = Area
field-level = Level
field-document = Document
field-ends_on = Ends on
field-as_of = As of
field-value = Value
error-expected-term = a term like 2020-2025
yes = yes
no = no
who-system = system
rule-age = Age
rule-education = Education
rule-certificate = Course certificate
rule-introducers = Introducers
rule-mentors = Mentors
rule-probation_mentor = Probation mentor
rule-cell_vote_two_thirds = Two thirds of the cell's official members in favour
rule-grassroots_vote_two_thirds = Two thirds of the committee in favour
rule-probation_complete = Probation complete
rule-readmission = Re-admission
rule-certificate_expiry = Certificate expiry
rule-decision_after_cell_vote = Admission decision after the cell's resolution
rule-ceremony_after_decision = Ceremony after the decision
rule-recognition_cell_vote_after_probation = Cell's recognition vote after probation
rule-recognition_decision_after_cell_vote = Recognition decision after the cell's resolution
rule-documents = The stage's documents
rule-sequence = Order of the stages
rule-date-order = Order of the dates
rule-date-future = A date in the future
rule-stage-closed = File closed
rule-stage-unknown = Stage not in the procedure
rule-vote-missing = Vote result
rule-vote-counts = Vote result
rule-skip = Reason to waive documents
rule-temporary_transfer = Temporary transfer
criterion-political_tasks = Political tasks
criterion-party_building = Party building in politics, ideology and ethics
criterion-organisation_cadres = Organisation, cadres and members
criterion-member_development = Member development against the target
criterion-inspection = Inspection, supervision and discipline
grade-excellent = Excellently fulfilled
grade-good = Well fulfilled
grade-fulfilled = Fulfilled
grade-not_fulfilled = Not fulfilled
eval-missing = Missing: { $criteria }
history-action-certificate = Certificate recorded
history-action-create = Created
history-action-document = Document recorded
history-action-exit_ground = Ground of leaving recorded
history-action-introducer = Introducer added
history-action-link = Linked
history-action-memberships = Memberships recorded
history-action-mentor = Mentor assigned
history-action-move = Moved
history-action-organisations = Organisations recorded
history-action-passwd = Password changed
history-action-receipt = Receipt recorded
history-action-revoke = Revoked
history-action-set = Set
history-action-sign_in = Signed in
history-action-sign_in_failed = Sign-in failed
history-action-stage = Step recorded
history-action-update = Updated
history-action-read = Read
history-action-refused = Refused
history-entity-candidate = candidate file
history-entity-member = member
history-entity-unit = unit
history-entity-user = user
history-entity-person = person
field-person_id = Person id
field-movement_id = Movement id
field-member_id = Member id
field-unit_id = Unit id
field-parent_id = Parent unit id
field-created_on = Created on
field-admitted_on = Admitted on
field-official_on = Official on
field-in_favour = In favour
field-against = Against
field-eligible = Eligible
field-present = Present
field-status = Status
field-on = On
field-candidate = Candidate
field-vote = Vote
field-skip_reason = Reason to waive
field-unit = Unit
field-left_on = Left on
field-probation = During probation
field-host = Host cell
field-study = For study
field-username = User name
field-role = Role
field-detail = Detail
field-youth_union = Youth Union member
field-trade_union = Trade-union member
due-days_left = { $count ->
    [one] { $count } working day left
   *[other] { $count } working days left
}
due-overdue_days = { $count ->
    [one] overdue by { $count } working day
   *[other] overdue by { $count } working days
}
refusal-stored = does not meet the rule: { $rule }
export-col-code = Unit code
export-col-name = Name
export-col-depth = Level
export-col-target = Target
export-col-admitted = Admitted
export-col-percent = Share (%)
export-col-birth_date = Birth date
export-col-gender = Gender
export-col-unit = Cell code
export-col-unit_name = Cell
export-col-status = Status
export-col-admitted_on = Admitted on
export-col-official_on = Official on
export-col-id = File number
export-col-stage = Stage
export-col-since = Since
export-col-movement = Movement
export-col-mentors = Mentors
export-col-candidate = File number
export-col-next_stage = Next stage
export-col-due = Due
export-col-working_days_left = Working days left
export-col-overdue = Overdue
export-col-rule = Rule
export-col-source = Source
export-col-escalated_to = Escalated to
export-col-expected = Expected
export-col-low = Low
export-col-high = High
export-col-chance_of_target = Chance of the target (%)
export-col-at_risk = At risk
export-col-score = Score
export-col-grade = Grade
export-col-missing = Missing
export-col-members = Members
export-col-recognised = Recognised
export-col-left = Left
export-sheet-achievement = Member development
export-sheet-members = Members
export-sheet-candidates = Candidates
export-sheet-due = Deadlines
export-sheet-forecast = Forecast
export-sheet-evaluation = Evaluation
export-sheet-statistics = Statistics
import-kind_name-units = Units
import-kind_name-members = Members
import-kind_name-candidates = Candidates
import-kind_name-targets = Targets
history-action-transfer = Transfer
history-action-transfer_out = Transfer out
history-action-temporary_transfer = Temporary transfer
history-action-return = Return
history-action-exempt = Exemption
history-action-remove = Removal
history-action-expel = Expulsion
history-action-death = Death
history-action-card = Party card number

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
due-left = Time left
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
field-code = Code
field-stage = Stage
field-year = Year
field-birth_date = Birth date
field-full_name = Full name
field-gender = Gender
fix-documents = Record the document { $document }
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
history-action-correct = Corrected
history-action-withdraw = Withdrawn
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
due-none_within = No deadline is overdue or due within the next { $days } working days; later deadlines are on each file.
cand-finished = The file is complete: the candidate has become an official member.
cand-closed = The file is closed; no further step is recorded.
cand-member_page = See the member page
cand-earliest = at the earliest from { $date }
error-conflict-record_changed = this record changed since you opened it
error-conflict-value_changed = this value changed since you opened the page
error-conflict-stale = { $what }: { $action } by { $who } at { $at }; nothing was saved, reload it and try again
area-mountain = highlands and mountains
area-border = border area
area-island = islands
area-ethnic_minority = ethnic minority people
area-hardship = especially difficult area
area-fishermen = fishermen working at sea
area-village_elder = respected village elder
field-rule = Rule
field-source = Source
field-path = Place in the tree

# issue 15: votes and roles
cand-eligible_cell = Official members of the cell
cand-eligible_committee = Committee members
cand-eligible_reason = Reason, if different from the registry
cand-registry_count = Registry: { $count } official members on { $date }
cand-committee_hint = The registry does not list the committee's members: enter their number from the minutes.
cand-vote_result = { $for }/{ $eligible } in favour ({ $share }), { $present } present, { $against } against
cand-last_vote = Latest vote
cand-recorded_by = The step “{ $stage }” is recorded by { $body }; your account records for { $you }.
level-cell = the cell
level-grassroots = the grassroots party committee
level-superior = the competent committee above the grassroots
level_own-cell = the cell
level_own-grassroots = the grassroots party committee
level_own-superior = the competent committee above the grassroots
refusals-explain = Attempts the rules refused, for the committees' supervisors and organising staff; not shown on the cells' pages.
refusals-unit = Unit (code)
refusals-from = From
refusals-to = To
refusals-filter = Filter
refusals-none = No refused attempts.
refusals-at = When
refusals-by = By
refusals-newer = Newer
refusals-older = Older
refusals-link = Refused steps
plan-target_missing = The member-development criterion cannot be scored for { $units }: no target is set for { $year }, so there is no total or grade yet.
plan-set_year_target = Set the yearly target (period = the year) in the target form
plan-target_by_staff = The committee's organising staff set the yearly target.
error-forbidden-refusals = the refused attempts are listed for the committees' staff and supervisors
refusal-recorder = “{ $stage }” is recorded by { $level_need } or a committee above it; you record for { $level_own }
refusal-vote-eligible = the registry has { $registry } official members of the cell on { $on }; { $eligible } eligible differs: enter { $registry }, or give the reason for the difference
refusal-document-before-stage = document { $document } belongs after “{ $stage_after }”, which is not recorded yet
refusal-document-too-early = document { $document } dated { $on } is too early: “{ $stage_after }” was on { $from }; the earliest allowed date is { $earliest }
refusal-interval = “{ $stage }” on { $on } is too soon after “{ $stage_after }” of { $from }: the earliest allowed date is { $earliest }
rule-recorder = Who records the step
rule-vote-eligible = Members eligible to vote
rule-grassroots_after_cell = Grassroots committee after the cell
rule-decision_after_proposal = Decision after the proposal
rule-recognition_grassroots_after_cell = Grassroots recognition after the cell
rule-recognition_after_proposal = Recognition decision after the proposal
rule-probation_papers = Probation papers
rule-recognition_papers = Recognition papers

# issue 15: look
look-language = Language
look-stages = Stages of the procedure
look-step_done = Done
look-step_current = Current step
look-step_todo = To come
look-pick_none = Nothing found for “{ $value }”. Choose from the suggestions or type another name (with or without tone marks).
look-pick_many = “{ $value }” matches several: { $choices }. Choose one from the suggestions.
look-pick_hint = Type a name, then choose from the suggestions

# issue 15: corrections
fix-title = Correct or withdraw an entry of the file
fix-hint = Every correction or withdrawal needs a reason; the old entry is kept. An entry a later recorded step relied on cannot be withdrawn: withdraw that step first.
fix-correct = Correct
fix-withdraw = Withdraw
fix-reason = Reason
fix-kept = Corrected and withdrawn
fix-withdrawn = withdrawn
fix-corrected = corrected
fix-kind-document = Document
fix-kind-mentor = Mentor
fix-kind-probation_mentor = Probation mentor
fix-kind-introducer = Introducer
fix-kind-certificate = Certificate
fix-kind-vote = Vote
fix-kind-step = Step
fix-kind-stage = Step
error-what-document = document
error-what-mentor = mentor
error-what-introducer = introducer
error-what-certificate = certificate
error-what-vote = vote
error-what-stage = step
dup-title = This person may already be registered
dup-by-id_number = same ID number
dup-by-name_birth_date = same name and birth date
dup-open_file = open the file
dup-open_member = open the member
dup-confirm = Add a new person anyway
dup-hint = If it is this person, open their record instead of adding them again.
cand-id_number = ID number (if known)
import-warnings = Probable duplicates of people already registered
refusal-relied-on-correct = the step “{ $stage }” recorded on { $on } relied on this entry ({ $rule }): this correction would make it fail
refusal-relied-on-withdraw = the step “{ $stage }” recorded on { $on } relied on this entry ({ $rule }): withdraw “{ $stage }” first

# issue 15: the importer's row errors
import-err-at-row-col = Row { $row }, column
import-err-at-row = Row { $row }
import-err-at-col = Column
import-err-required = a value is required
import-err-date-required = a date is required (dd/mm/yyyy)
import-err-not-date = "{ $value }" is not a date (dd/mm/yyyy)
import-err-number-not-date = { $value } is a number, not a date; type dd/mm/yyyy or format the cell as a date
import-err-after-today = { $value } is after today
import-err-not-calendar-day = date cell { $value } is not a calendar day
import-err-duration = a duration, not a value
import-err-cell-error = the cell holds the error { $value }
import-err-unknown-unit = unknown unit "{ $value }"
import-err-not-cell = { $unit } is a { $kind }; members and candidates belong to a cell
import-err-registered = { $name }, born { $born }, is already registered in { $units } (person { $person }); a row without an ID number is not imported twice: remove the row, or give the ID number
import-err-probably-same = probably the same person as { $name } (person { $person }, born { $born }, { $units }): check before importing
import-err-family-given = "{ $value }" needs a family and a given name
import-err-gender = "{ $value }" is not a gender (Nam or Nữ)
import-err-id-number = "{ $value }" is not an ID number (9 or 12 digits)
import-err-phone = "{ $value }" is not a phone number (10 digits starting with 0, or +84)
import-err-current-only = "{ $value }": only current members are imported (probationary or official)
import-err-status = "{ $value }" is not a status (probationary/dự bị or official/chính thức)
import-err-birth-range = { $value } is not a date of birth from 1900 to today
import-err-id-registered = { $value } is already registered: { $name } (person { $person })
import-err-id-outside = { $value } cannot be registered from here: the number is held by a record outside your part of the tree; the committee above both can move the record
import-err-dup-person-row = { $name }, born { $born }, is already in row { $row } of this file
import-err-dup-target = { $unit } { $period } is already in row { $row } of this file
import-err-dup-row = { $value } is already in row { $row } of this file
import-err-admission-before-birth = the admission comes before the birth date
import-err-official-needs-date = an official member needs the date of recognition
import-err-probationary-no-date = a probationary member has no date of recognition; the status should be official
import-err-recognition-before-admission = the recognition comes before the admission
import-err-date-before-birth = the date comes before the birth date
import-err-unknown-movement = unknown movement "{ $value }"
import-err-grade = "{ $value }" is not a school grade (a whole number from 0 to 12)
import-err-area = "{ $value }" is not an area; one of { $list }
import-err-period = "{ $value }" is not a period (a term like 2025-2030 or a year like 2026)
import-err-unknown-term = unknown term { $value } (a top-level administrator creates it)
import-err-target = "{ $value }" is not a whole number of new members, 0 or more
import-err-unit-code = "{ $value }" is not a unit code (1 to 40 letters, digits, '.', '-' or '_')
import-err-unit-kind = "{ $value }" is not a unit kind (central, provincial, superior, grassroots_committee, grassroots_cell or cell)
import-err-parent-required = a parent unit is required (only a top-level administrator creates a root unit)
import-err-parent-later = { $value } is defined in row { $row }, after this row; list a unit after its parent
import-err-parent-no-units = { $value } is a { $kind }, which has no units under it
import-err-exists = { $value } already exists
import-err-last-stage = the last item is { $last }, not the stage { $stage }
import-err-last-dated = the last item is dated { $last }, not the day in since ({ $since })
import-err-item-after-today = item { $n }: { $value } is after today
import-err-no-rows = the file holds no rows
import-err-no-kind = the header names no single kind: units have a column code, members a column unit, candidates a column cell, targets a column period (see docs/import.md)
import-err-column-twice = the column appears twice
import-err-unknown-column = unknown column for { $kind }; the columns are { $list }
import-err-column-missing = the column is missing
import-err-no-header = a value in column { $n }, which has no header
import-err-header-only = the header has no rows under it
import-err-xls = old Excel files (.xls) are not read; save the sheet as .xlsx or as CSV UTF-8
import-err-ods = OpenDocument sheets are not read; save the sheet as .xlsx or as CSV UTF-8
import-err-xlsx-unreadable = not a readable XLSX file: { $reason }
import-err-no-sheet = the workbook has no sheet
import-err-sheet-unreadable = the first sheet cannot be read: { $reason }
import-err-not-utf8 = the file is not UTF-8 text (line { $line }); save it as CSV UTF-8, or as .xlsx
import-err-quote-open = a quoted field is not closed (a " is missing)

# issue 15: what a form field expects
error-expected-days_1_3660 = 1 to 3660
error-expected-id_digits = 9 or 12 digits
error-expected-gender = Nam or Nữ
error-expected-backup_file = a backup file
error-expected-birth_date = a date of birth
error-expected-before_introduction = a date on or before the introduction
error-expected-family_given = a family and a given name
error-expected-grade_1_12 = a grade from 1 to 12
error-expected-token_name = a name saying what the token is for
error-expected-unit_name = a non-empty unit name
error-expected-file_id = a number (the id the file shows)
error-expected-number = a number
error-expected-path = a path like /1/5/23/
error-expected-grade_0_12 = a school grade from 0 to 12
error-expected-new_members = a whole number of new members, 0 or more
error-expected-year_range = a year from 1900 to 2100
error-expected-year_or_term_like = a year like 2025 or a term like 2020-2025
error-expected-year_or_term = a year or a term
error-expected-year = a year such as 2025
error-expected-exemption = full, partial, or empty to end the exemption
error-expected-gender_lower = one of nam, nữ
error-expected-card_number = the card's number
error-expected-committee_member = the member id of the committee member
error-expected-audit_position = the page's audit position
error-expected-full_name = the person's full name
error-expected-change_reason = the reason for the change
error-expected-user_unit = the unit this user works for
error-expected-unit_code = 1 to 40 letters, digits, '.', '-' or '_'
error-expected-phone = 10 digits starting with 0, or +84
error-expected-criterion = a criterion key of the profile's [evaluation]
error-expected-current_status = a current member's status: probationary/dự bị or official/chính thức
error-expected-form_code = a form code listed in the profile's [documents]
error-expected-password_common = a password not in the list of commonly used passwords
error-expected-stage_entered = a stage the candidate has entered
error-expected-receipt_stage = a stage whose decision's receipt starts a deadline (decision)
error-expected-year_like = a year like 2025
error-expected-password_length = at least 12 characters
error-expected-at_most_2000 = at most 2000 characters
error-expected-at_most_300 = at most 300 characters
error-expected-at_most_120 = at most 120 characters
error-expected-at_most_60 = at most 60 characters
error-expected-username = at most 64 letters, digits, '.', '_' or '-'
error-expected-not_blank = not only spaces or other whitespace
error-expected-role = one of admin, staff, supervisor, secretary, viewer
error-expected-unit_kind = one of central, provincial, superior, grassroots_committee, grassroots_cell, cell
error-expected-entry_kind = one of document, mentor, probation_mentor, introducer, certificate, vote, step
error-expected-status = one of probationary, official, transferred_out, removed, expelled, deceased
error-expected-import_kind = one of units, members, candidates, targets

# h15: correcting a step's date, withdrawing a step that changed the registry
error-expected-corrected_date = the corrected date
refusal-registry-changed = the member record made or changed by the step “{ $stage }” was changed since, on { $on } (see the member's history): undo that change first
refusal-registry-changed-now = the member record made or changed by the step “{ $stage }” is no longer as the step left it (its status or cell changed since): undo that change first
refusal-registry-used = the member record made or changed by the step “{ $stage }” is relied on since: { $what ->
    [mentor] the member is a mentor of { $count } file(s)
    [introducer] the member introduced { $count } candidate(s)
    [supervisor] the member sits on a committee
    [leader] the member holds a leading post
    [user] a user account belongs to the member
    [membership] the person has another membership since
   *[other] another file names the member
  }; remove that first
refusal-relied-on-receipt = the step “{ $stage }” recorded on { $on } relied on the decision being in hand: the receipt cannot be dated after it; correct or withdraw that step first

# h15: every sentence of the importer (limits, stage histories, fragments)
import-err-xlsx-part-unreadable = not a readable XLSX file: { $part } cannot be unpacked: { $reason }
import-err-stage-admitted = { $stage } comes at or after the admission decision; import admitted people as members
import-err-not-open-stage = "{ $value }" is not a stage of the procedure before the admission decision
import-err-item-not-stage-date = item { $n } "{ $value }" is not stage:date
import-err-item-not-date = item { $n }: "{ $value }" is not a date
import-err-item-order = item { $n }: { $stage } does not come after { $stage_before } in the procedure; list the stages in their order
import-err-item-before = item { $n }: { $stage } on { $on } is before { $stage_before } on { $before }
import-err-item = item { $n }: { $what }
import-err-limit-row = { $what }: row { $row } is past the limit of { $max } rows under the header; split the file
import-err-limit-column = { $what }: column { $column } ({ $name }) is past the limit of { $max } columns
import-err-limit-cells = the file holds more than { $n } cells with a value; the limit is { $max }; split the file
import-err-limit-cell-chars = { $what }: the cell holds { $n } characters; the limit is { $max }
import-err-limit-upload = the file is { $size }; the limit is { $max }
import-err-limit-upload-body = the file is larger than the limit of { $max }
import-err-busy = too many imports in progress ({ $running } running, { $waiting } waiting); try again in a minute
import-err-limit-parts = the XLSX file holds { $n } parts; the limit is { $max }; save the sheet alone in a new workbook
import-err-limit-unpacked = the XLSX file unpacks to more than { $max } ({ $what }); the limit is { $limit }
import-err-limit-tag-attributes = the XLSX part { $part } has a tag with more than { $n } attributes or namespace declarations, which no spreadsheet program writes; the limit is { $max }
import-err-limit-tag-bytes = the XLSX part { $part } has a tag longer than { $size }, which no spreadsheet program writes; the limit is { $max }
import-err-stopped = the import was stopped: its caller went away
import-err-read-failed = the file could not be read: { $reason }
import-err-row-write = row { $row }: { $what }
import-err-part-declare = its parts declare { $size }
import-err-at-part = at { $part }
import-err-part-n = part { $n }
import-err-used-range = the sheet's used range { $from }:{ $to }
import-err-cell-at = cell { $cell }
import-err-row-column = row { $row }, column { $column }
import-err-the-file = the file
## search (issue 16: indexed, paged registry search)
search-total = { $count ->
    [one] { $count } found
   *[other] { $count } found
}
search-total_at_least = at least { $count } found (counting further would be slow; narrow the search)
search-next = Next page
search-first = First page
search-more_candidates = More candidates
error-expected-page_limit = a whole number from 1 to 200
error-expected-a_full_name = a full name
field-limit = Rows per page
field-cursor = Page
field-q = Search
# pages: paged lists of the dashboard and the unit page (issue 16)
pager-label = Pages of the list
pager-sort = Sort by
pager-prev = ← Previous
pager-next = Next →
pager-more = Show more
members-filter-current = All current members
members-filter-probationary = Probationary members
members-filter-official = Official members
members-filter-apply = Filter
list-first_shown = First shown:
list-drill_down = open a unit below for the rest
field-page = Page
field-sort = Sort
error-expected-cursor = the cursor of the previous page
error-expected-member_filter = one of current, probationary, official
error-expected-profile_stage = a stage of the profile
error-expected-units_sort = one of code, name, members, admitted, percent
error-expected-page_number = a page number from 1
# branch summaries: the due list a page at a time
error-expected-due_limit = a whole number from 1 to 200
plan-rows_shown = { $shown } of { $total } units shown; the API (limit, cursor) pages through the rest.
# supervisor view, a page of units at a time (issue 16)
supervisor-units_total = { $count ->
    [one] { $count } unit in charge
   *[other] { $count } units in charge
}
supervisor-due_soon = Due soon
supervisor-first_items = The first { $count } of each are listed here.
error-expected-units_limit = a whole number from 1 to 100

//! Interface languages: Vietnamese first, English, German. One table of
//! strings; a missing key shows the key itself, and a test checks that
//! every key has all three languages.

use ranks_domain::procedure::Profile;
use ranks_domain::{Date, MemberStatus, UnitKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
    De,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn all() -> [Lang; 3] {
        [Lang::Vi, Lang::En, Lang::De]
    }
}

/// (key, vi, en, de)
const STRINGS: &[(&str, &str, &str, &str)] = &[
    ("app.tagline", "Phát triển đảng viên", "Member development", "Mitgliederentwicklung"),
    ("nav.dashboard", "Tổng quan", "Dashboard", "Übersicht"),
    ("term", "Nhiệm kỳ", "Term", "Amtszeit"),
    ("unit", "Đơn vị", "Unit", "Einheit"),
    ("code", "Mã", "Code", "Kürzel"),
    ("members", "Đảng viên", "Members", "Mitglieder"),
    ("target", "Chỉ tiêu", "Target", "Ziel"),
    ("admitted", "Đã kết nạp", "Admitted", "Aufgenommen"),
    ("percent", "Tỷ lệ", "Achievement", "Erfüllung"),
    ("progress", "Tiến độ", "Progress", "Fortschritt"),
    ("no_target", "chưa giao", "no target", "kein Ziel"),
    ("units_below", "Đơn vị trực thuộc", "Subordinate units", "Unterstellte Einheiten"),
    ("summary.members", "Tổng số đảng viên", "Members in total", "Mitglieder insgesamt"),
    ("summary.admitted", "Kết nạp trong nhiệm kỳ", "Admitted in the term", "Aufnahmen in der Amtszeit"),
    ("summary.achievement", "Đạt so với chỉ tiêu", "Of the target", "vom Ziel"),
    ("summary.units", "Tổ chức trực thuộc", "Subordinate organisations", "Unterstellte Organisationen"),
    ("dashboard.title", "Kết quả phát triển đảng viên", "Member development results", "Ergebnisse der Mitgliederentwicklung"),
    ("dashboard.explain", "Số kết nạp được đếm theo ngày quyết định kết nạp trong nhiệm kỳ, cộng dồn theo cây tổ chức hiện tại.", "Admissions are counted by the date of the admission decision within the term, summed up the current tree.", "Aufnahmen zählen nach dem Datum des Aufnahmebeschlusses in der Amtszeit, summiert über den heutigen Baum."),
    ("supervisors", "Cấp ủy viên phụ trách", "Committee members in charge", "Beauftragte des Parteivorstands"),
    ("supervises", "phụ trách", "in charge of", "zuständig für"),
    ("candidates", "Quần chúng trong quy trình kết nạp", "Candidates in the pipeline", "Kandidaten im Aufnahmeverfahren"),
    ("candidates.none", "Chưa có quần chúng nào.", "No candidates yet.", "Noch keine Kandidaten."),
    ("since", "Từ ngày", "Since", "Seit"),
    ("mentors", "Đảng viên giúp đỡ", "Mentors", "Betreuende Mitglieder"),
    ("movement", "Phong trào", "Movement", "Bewegung"),
    ("movements", "Phong trào thi đua (nguồn kết nạp)", "Emulation movements (sources)", "Nachahmungsbewegungen (Quellen)"),
    ("movements.none", "Chưa có quần chúng từ phong trào thi đua.", "No candidates from emulation movements yet.", "Noch keine Kandidaten aus Bewegungen."),
    ("moves", "Lịch sử điều chỉnh tổ chức", "Changes to the tree", "Änderungen im Baum"),
    ("moves.none", "Không có điều chỉnh.", "No changes.", "Keine Änderungen."),
    ("moved_from", "chuyển từ", "moved from", "verschoben von"),
    ("moved_to", "sang", "to", "nach"),
    ("effective", "hiệu lực", "effective", "gültig ab"),
    ("name", "Họ và tên", "Full name", "Name"),
    ("birth_date", "Ngày sinh", "Born", "Geboren"),
    ("gender", "Giới tính", "Gender", "Geschlecht"),
    ("cell", "Chi bộ", "Cell", "Zelle"),
    ("status", "Tình trạng", "Status", "Status"),
    ("admitted_on", "Ngày vào Đảng", "Admitted on", "Aufgenommen am"),
    ("official_on", "Ngày chính thức", "Official since", "Vollmitglied seit"),
    ("role", "Nhiệm vụ", "Role", "Aufgabe"),
    ("count", "Số lượng", "Count", "Anzahl"),
    ("of_whom_admitted", "trong đó đã kết nạp", "of whom admitted", "davon aufgenommen"),
    ("error.title", "Có lỗi", "Something is wrong", "Fehler"),
    ("error.not_found", "Không tìm thấy", "Not found", "Nicht gefunden"),
    ("error.back", "Về trang tổng quan", "Back to the dashboard", "Zurück zur Übersicht"),
    ("empty", "Cơ sở dữ liệu chưa có đơn vị nào. Chạy `ranks demo` để nạp dữ liệu mẫu.", "The database holds no units yet. Run `ranks demo` to load the demo.", "Die Datenbank enthält noch keine Einheiten. `ranks demo` lädt die Demo."),
    ("no_terms", "Chưa có nhiệm kỳ nào.", "No terms defined yet.", "Noch keine Amtszeiten."),
    ("today", "Hôm nay", "Today", "Heute"),
    ("due", "Thời hạn sắp đến và quá hạn", "Deadlines due and overdue", "Fällige und überfällige Fristen"),
    ("due.none", "Không có thời hạn nào đang chạy.", "No deadline is running.", "Keine Frist läuft."),
    ("due.date", "Hạn", "Due", "Fällig"),
    ("due.left", "Ngày làm việc còn lại", "Working days left", "Verbleibende Arbeitstage"),
    ("due.next", "Bước tiếp theo", "Next step", "Nächster Schritt"),
    ("due.rule", "Quy định", "Rule", "Regel"),
    ("due.overdue", "Quá hạn", "Overdue", "Überfällig"),
    ("due.escalated", "Báo cáo cấp ủy viên phụ trách", "Escalated to", "Eskaliert an"),
    ("refusals", "Bước bị từ chối", "Refused steps", "Abgelehnte Schritte"),
    ("refusals.reason", "Lý do", "Reason", "Grund"),
    ("stage", "Bước", "Stage", "Schritt"),
    ("login.title", "Đăng nhập", "Sign in", "Anmelden"),
    ("login.username", "Tên đăng nhập", "Username", "Benutzername"),
    ("login.password", "Mật khẩu", "Password", "Passwort"),
    ("login.submit", "Đăng nhập", "Sign in", "Anmelden"),
    ("login.wrong", "Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.", "Benutzername oder Passwort falsch."),
    ("login.rate_limited", "Đăng nhập sai quá nhiều lần; thử lại sau 15 phút.", "Too many failed sign-ins; try again in 15 minutes.", "Zu viele Fehlversuche; in 15 Minuten erneut versuchen."),
    // Sign-in hardening (issue 12): the sign-in form's own CSRF token.
    ("login.csrf", "Biểu mẫu đăng nhập đã hết hạn hoặc không đến từ trang này; vui lòng đăng nhập lại.", "The sign-in form has expired or did not come from this site; please sign in again.", "Das Anmeldeformular ist abgelaufen oder stammt nicht von dieser Seite; bitte erneut anmelden."),
    ("logout", "Đăng xuất", "Sign out", "Abmelden"),
    ("search", "Tìm", "Search", "Suchen"),
    ("cand.timeline", "Quá trình", "Timeline", "Verlauf"),
    ("cand.next", "Bước tiếp theo", "Next step", "Nächster Schritt"),
    ("cand.document", "Hồ sơ cần có", "Documents needed", "Benötigte Unterlagen"),
    ("cand.record_document", "Ghi nhận đã có", "Record as present", "Als vorhanden erfassen"),
    ("cand.date", "Ngày", "Date", "Datum"),
    ("cand.vote", "Biểu quyết", "Vote", "Abstimmung"),
    ("cand.eligible", "Số đảng viên chính thức", "Entitled to vote", "Stimmberechtigt"),
    ("cand.present", "Có mặt", "Present", "Anwesend"),
    ("cand.for", "Tán thành", "In favour", "Dafür"),
    ("cand.against", "Không tán thành", "Against", "Dagegen"),
    ("cand.record", "Ghi nhận", "Record", "Erfassen"),
    ("cand.assign_mentor", "Phân công đảng viên giúp đỡ", "Assign a mentor", "Betreuer zuweisen"),
    ("cand.member", "Đảng viên", "Member", "Mitglied"),
    ("cand.probation_mentor", "Giúp đỡ trong thời gian dự bị", "Mentor during probation", "Betreuer in der Probezeit"),
    ("cand.assign", "Phân công", "Assign", "Zuweisen"),
    ("cand.introducers", "Người giới thiệu", "Introducers", "Bürgen"),
    ("cand.add_introducer", "Thêm người giới thiệu", "Add an introducer", "Bürgen hinzufügen"),
    ("cand.together_since", "Cùng công tác từ", "Worked together since", "Zusammenarbeit seit"),
    ("cand.youth_union", "Đoàn Thanh niên giới thiệu (mẫu 4-KNĐ)", "Introduced by the Youth Union (form 4-KNĐ)", "Empfehlung des Jugendverbands (Formular 4-KNĐ)"),
    ("cand.certificate", "Giấy chứng nhận học lớp nhận thức về Đảng", "Party-awareness course certificate", "Bescheinigung des Parteikunde-Kurses"),
    ("cand.issued", "Ngày cấp", "Issued on", "Ausgestellt am"),
    ("cand.number", "Số giấy chứng nhận", "Certificate number", "Nummer der Bescheinigung"),
    ("cand.record_certificate", "Ghi nhận giấy chứng nhận", "Record the certificate", "Bescheinigung erfassen"),
    ("cand.none_yet", "Chưa có", "None yet", "Noch keine"),
    ("cand.add", "Thêm vào nguồn kết nạp", "Add to the pool", "In den Kandidatenpool aufnehmen"),
    ("cand.full_name", "Họ và tên", "Full name", "Vollständiger Name"),
    ("cand.birth_date", "Ngày sinh", "Date of birth", "Geburtsdatum"),
    ("cand.gender", "Giới tính", "Gender", "Geschlecht"),
    ("cand.grade", "Trình độ phổ thông (lớp)", "General education (grade)", "Schulbildung (Klasse)"),
    ("cand.movement", "Phong trào thi đua", "Emulation movement", "Wettbewerbsbewegung"),
    ("cand.occupation", "Nghề nghiệp", "Occupation", "Beruf"),
    ("history", "Lịch sử thay đổi", "Change history", "Änderungsverlauf"),
    ("back", "Quay lại", "Back", "Zurück"),
    ("plan.by", "Đến ngày", "By", "Bis zum"),
    ("plan.admissions", "đảng viên được kết nạp", "admissions", "Aufnahmen"),
    ("plan.pro_rata", "theo tiến độ đều của chỉ tiêu, đến nay cần", "the target's even pace calls for", "das gleichmäßige Tempo des Ziels verlangt bis heute"),
    ("plan.per_year", "Số liệu theo năm (bảng thay cho biểu đồ)", "Figures per year (the chart as a table)", "Zahlen je Jahr (das Diagramm als Tabelle)"),
    ("plan.year", "Năm", "Year", "Jahr"),
    ("plan.cumulative", "Cộng dồn", "Cumulative", "Kumuliert"),
    ("plan.period", "Nhiệm kỳ hoặc năm", "Term or year", "Amtszeit oder Jahr"),
    ("plan.set_target", "Giao chỉ tiêu", "Set the target", "Ziel festlegen"),
    ("plan.criterion", "Tiêu chí", "Criterion", "Kriterium"),
    ("plan.enter_score", "Nhập điểm", "Enter the score", "Punkte eintragen"),
    ("member.id_number", "Số CCCD", "ID number", "Ausweisnummer"),
    ("member.phone", "Điện thoại", "Phone", "Telefon"),
    ("member.official_on", "Ngày chính thức", "Official since", "Vollmitglied seit"),
    ("member.card", "Số thẻ đảng viên", "Party card number", "Parteibuchnummer"),
    ("member.temporary", "Sinh hoạt tạm thời tại", "Temporarily active in", "Vorübergehend tätig in"),
    ("member.exempt", "Miễn sinh hoạt", "Exempted from activities", "Von Aktivitäten befreit"),
    ("member.movement", "Ghi nhận biến động", "Record a movement", "Veränderung erfassen"),
    ("member.kind", "Loại biến động", "Kind of movement", "Art der Veränderung"),
    ("member.to_cell", "Chuyển đến chi bộ (mã)", "To the cell (code)", "In die Zelle (Kürzel)"),
    ("member.until", "Đến ngày", "Until", "Bis"),
    ("member.destination", "Nơi chuyển đến (ngoài hệ thống)", "Destination (outside the tree)", "Ziel (außerhalb des Baums)"),
    ("member.level", "Mức miễn sinh hoạt", "Exemption level", "Umfang der Befreiung"),
    ("member.reason", "Lý do", "Reason", "Grund"),
    ("mv.transfer", "Chuyển sinh hoạt chính thức (trong hệ thống)", "Official transfer (within the tree)", "Offizieller Wechsel (im Baum)"),
    ("mv.transfer_out", "Chuyển sinh hoạt ra ngoài", "Transfer out", "Wechsel nach außen"),
    ("mv.temporary", "Chuyển sinh hoạt tạm thời", "Temporary transfer", "Vorübergehender Wechsel"),
    ("mv.return", "Trở về sau sinh hoạt tạm thời", "Return from a temporary transfer", "Rückkehr nach vorübergehendem Wechsel"),
    ("mv.exempt", "Miễn sinh hoạt", "Exemption", "Befreiung"),
    ("mv.remove", "Xóa tên", "Removal from the rolls", "Streichung"),
    ("mv.expel", "Khai trừ", "Expulsion", "Ausschluss"),
    ("mv.death", "Từ trần", "Death", "Tod"),
    ("mv.card", "Phát thẻ đảng viên", "Party card issued", "Parteibuch ausgegeben"),
    ("import", "Nhập dữ liệu từ bảng tính", "Import from a spreadsheet", "Import aus einer Tabelle"),
    ("import.explain", "Tải lên tệp CSV hoặc XLSX (đơn vị, đảng viên hoặc quần chúng). Ranks kiểm tra từng dòng và chỉ ghi khi tất cả đều đúng.", "Upload a CSV or XLSX file (units, members or candidates). Ranks checks every row and writes only when all are right.", "Laden Sie eine CSV- oder XLSX-Datei hoch (Einheiten, Mitglieder oder Kandidaten). Ranks prüft jede Zeile und schreibt nur, wenn alle stimmen."),
    ("import.preview", "Xem trước", "Preview", "Vorschau"),
    ("import.rows", "dòng", "rows", "Zeilen"),
    ("import.row", "Dòng", "Row", "Zeile"),
    ("import.problems", "lỗi", "problems", "Fehler"),
    ("import.nothing_written", "chưa ghi gì vào cơ sở dữ liệu.", "nothing has been written.", "nichts wurde gespeichert."),
    ("import.confirm", "Xác nhận nhập", "Confirm the import", "Import bestätigen"),
    ("import.upload", "Tải tệp lên", "Upload a file", "Datei hochladen"),
    ("import.kind", "Loại dữ liệu", "Kind of records", "Art der Datensätze"),
    ("import.auto", "Tự nhận biết theo dòng tiêu đề", "Recognise from the header row", "An der Kopfzeile erkennen"),
    ("import.file", "Tệp CSV hoặc XLSX", "CSV or XLSX file", "CSV- oder XLSX-Datei"),
    ("import.check", "Kiểm tra", "Check", "Prüfen"),
    ("import.formats", "Định dạng tệp", "File formats", "Dateiformate"),
    ("import.column", "Cột", "Column", "Spalte"),
    ("import.required", "Bắt buộc", "Required", "Pflicht"),
    ("import.example", "Ví dụ", "Example", "Beispiel"),
    ("import.written", "dòng đã được ghi.", "rows written.", "Zeilen gespeichert."),
    ("import.expired", "Tệp đã hết hạn chờ xác nhận (30 phút); hãy tải lên lại.", "The upload waited too long (30 minutes); upload it again.", "Der Upload hat zu lange gewartet (30 Minuten); bitte erneut hochladen."),
    ("import.no_file", "Chưa chọn tệp.", "No file chosen.", "Keine Datei gewählt."),
    // Import limits (issue 12): a refused upload names the limit ({max}).
    ("import.limit.upload_bytes", "Tệp quá lớn: giới hạn là {max}.", "The file is too large: the limit is {max}.", "Die Datei ist zu groß: die Grenze liegt bei {max}."),
    ("import.limit.unpacked_bytes", "Tệp XLSX khi giải nén vượt quá giới hạn {max}.", "The XLSX file unpacks to more than the limit of {max}.", "Die XLSX-Datei entpackt sich zu mehr als der Grenze von {max}."),
    ("import.limit.zip_entries", "Tệp XLSX có quá {max} thành phần; hãy lưu riêng trang tính vào một tệp mới.", "The XLSX file holds more than {max} parts; save the sheet alone in a new workbook.", "Die XLSX-Datei enthält mehr als {max} Teile; speichern Sie das Blatt allein in einer neuen Mappe."),
    ("import.limit.tag_attributes", "Tệp XLSX có thẻ XML với quá {max} thuộc tính, điều mà không chương trình bảng tính nào tạo ra.", "The XLSX file has an XML tag with more than {max} attributes, which no spreadsheet program writes.", "Die XLSX-Datei hat ein XML-Tag mit mehr als {max} Attributen, wie es kein Tabellenprogramm schreibt."),
    ("import.limit.tag_bytes", "Tệp XLSX có thẻ XML dài quá {max}, điều mà không chương trình bảng tính nào tạo ra.", "The XLSX file has an XML tag longer than {max}, which no spreadsheet program writes.", "Die XLSX-Datei hat ein XML-Tag, länger als {max}, wie es kein Tabellenprogramm schreibt."),
    ("import.limit.rows", "Tệp vượt quá giới hạn {max} dòng dưới dòng tiêu đề; hãy chia nhỏ tệp.", "The file goes past the limit of {max} rows under the header; split the file.", "Die Datei geht über die Grenze von {max} Zeilen unter der Kopfzeile hinaus; teilen Sie die Datei."),
    ("import.limit.columns", "Tệp có giá trị nằm ngoài giới hạn {max} cột.", "The file has a value past the limit of {max} columns.", "Die Datei hat einen Wert jenseits der Grenze von {max} Spalten."),
    ("import.limit.cells", "Tệp có quá {max} ô chứa giá trị; hãy chia nhỏ tệp.", "The file holds more than {max} cells with a value; split the file.", "Die Datei enthält mehr als {max} Zellen mit einem Wert; teilen Sie die Datei."),
    ("import.limit.cell_chars", "Một ô chứa quá {max} ký tự.", "A cell holds more than {max} characters.", "Eine Zelle enthält mehr als {max} Zeichen."),
    ("import.limit.detail", "Chi tiết", "Details", "Einzelheiten"),
    ("import.busy", "Đang có quá nhiều lượt nhập dữ liệu; hãy thử lại sau một phút.", "Too many imports are in progress; try again in a minute.", "Zu viele Importe laufen gerade; versuchen Sie es in einer Minute erneut."),
    ("pdf.achievement", "Báo cáo kết quả phát triển đảng viên", "Member development report", "Bericht zur Mitgliedergewinnung"),
    ("pdf.checklist", "Danh mục hồ sơ kết nạp", "Admission dossier checklist", "Checkliste der Aufnahmeakte"),
    ("pdf.made_on", "Lập ngày", "Made on", "Erstellt am"),
    ("pdf.print", "Bản in (PDF)", "Printable (PDF)", "Druckfassung (PDF)"),
    ("dashboard.pipeline", "Hồ sơ đang trong quy trình, theo bước", "Open files by stage", "Offene Akten nach Schritt"),
    ("dashboard.files", "Số hồ sơ", "Files", "Akten"),
    ("statistics", "Thống kê cuối năm", "Year-end statistics", "Jahresstatistik"),
    ("candidates.found", "Quần chúng, đối tượng", "Candidates", "Kandidaten"),
    ("history.at", "Thời điểm", "When", "Zeitpunkt"),
    ("history.actor", "Người thực hiện", "By", "Von"),
    ("history.action", "Thao tác", "Action", "Aktion"),
    ("history.before", "Trước", "Before", "Vorher"),
    ("history.after", "Sau", "After", "Nachher"),
    ("history.none", "Chưa có thay đổi nào được ghi.", "No change recorded.", "Keine Änderung erfasst."),
    ("export.csv", "Tải CSV", "Download CSV", "CSV herunterladen"),
    ("export.xlsx", "Tải XLSX", "Download XLSX", "XLSX herunterladen"),
    ("plan", "Kế hoạch, dự báo, phân tích", "Plan, forecast, analysis", "Planung, Prognose, Analyse"),
    ("plan.burnup", "Tiến độ kết nạp so với chỉ tiêu nhiệm kỳ", "Admissions against the term target", "Aufnahmen gegen das Ziel der Amtszeit"),
    ("plan.forecast", "Dự báo đến cuối nhiệm kỳ", "Forecast to the end of the term", "Prognose bis Ende der Amtszeit"),
    ("plan.expected", "Dự kiến", "Expected", "Erwartet"),
    ("plan.interval", "Khoảng 80 %", "80 % interval", "80-%-Intervall"),
    ("plan.chance", "Khả năng đạt", "Chance to reach", "Chance"),
    ("plan.at_risk", "Có nguy cơ không đạt", "At risk", "Gefährdet"),
    ("plan.counted", "Quần chúng được tính", "Candidates counted", "Berücksichtigte Kandidaten"),
    ("plan.allocation", "Phân bổ chỉ tiêu", "Target allocation", "Zielverteilung"),
    ("plan.children", "Tổng đơn vị trực thuộc", "Sum of children", "Summe der Unterebenen"),
    ("plan.difference", "Chênh lệch", "Difference", "Differenz"),
    ("plan.analytics", "Các bước và điểm nghẽn", "Stages and bottlenecks", "Schritte und Engpässe"),
    ("plan.entered", "Đã vào bước", "Entered", "Eingetreten"),
    ("plan.conversion", "Tỷ lệ chuyển tiếp", "Conversion", "Übergangsquote"),
    ("plan.median", "Trung vị (ngày làm việc)", "Median (working days)", "Median (Arbeitstage)"),
    ("plan.p90", "P90", "P90", "P90"),
    ("plan.waiting", "Đang chờ", "Waiting", "Wartend"),
    ("plan.bottlenecks", "Điểm nghẽn, nặng nhất trước", "Bottlenecks, worst first", "Engpässe, schlimmster zuerst"),
    ("plan.funnel", "Phễu theo bước", "Funnel by stage", "Trichter nach Schritten"),
    ("plan.movements", "Phong trào thi đua: nguồn → khóa học → kết nạp → chính thức", "Movements: pool → course → admitted → official", "Bewegungen: Pool → Schulung → Aufnahme → Vollmitglied"),
    ("plan.mentors", "Đảng viên giúp đỡ", "Mentors", "Betreuer"),
    ("plan.evaluation", "Đánh giá, xếp loại cuối năm", "Year-end evaluation", "Jahresendbewertung"),
    ("plan.score", "Điểm", "Score", "Punkte"),
    ("plan.grade", "Xếp loại", "Grade", "Einstufung"),
    ("plan.cap", "Giới hạn xuất sắc", "Cap on excellent", "Obergrenze „ausgezeichnet“"),
    ("plan.cap_exceeded", "vượt giới hạn", "exceeded", "überschritten"),
    ("plan.cap_ok", "trong giới hạn", "respected", "eingehalten"),
    ("kind.central", "Trung ương", "Central", "Zentrale"),
    ("kind.provincial", "Đảng bộ tỉnh", "Provincial committee", "Provinzkomitee"),
    ("kind.superior", "Đảng bộ cấp trên cơ sở", "Superior committee", "Übergeordnetes Komitee"),
    ("kind.grassroots_committee", "Đảng bộ cơ sở", "Grassroots committee", "Basis-Parteiausschuss"),
    ("kind.grassroots_cell", "Chi bộ cơ sở", "Grassroots cell", "Basiszelle"),
    ("kind.cell", "Chi bộ", "Cell", "Parteizelle"),
    ("status.probationary", "Dự bị", "Probationary", "Probemitglied"),
    ("status.official", "Chính thức", "Official", "Vollmitglied"),
    ("status.transferred_out", "Đã chuyển đi", "Transferred out", "Abgegeben"),
    ("status.removed", "Đã xóa tên", "Removed", "Gestrichen"),
    ("status.expelled", "Khai trừ", "Expelled", "Ausgeschlossen"),
    ("status.deceased", "Từ trần", "Deceased", "Verstorben"),
];

/// The strings of one language, handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn get(&self, key: &str) -> &'static str {
        match STRINGS.iter().find(|s| s.0 == key) {
            Some((_, vi, en, de)) => match self.lang {
                Lang::Vi => vi,
                Lang::En => en,
                Lang::De => de,
            },
            None => {
                tracing::warn!(key, "missing translation");
                "?"
            }
        }
    }

    pub fn kind(&self, k: &UnitKind) -> &'static str {
        self.get(&format!("kind.{}", k.as_str()))
    }

    /// A stage's name from the procedure profile, in this language.
    pub fn stage(&self, profile: &Profile, key: &str) -> String {
        profile
            .stage(key)
            .map(|s| s.name(self.lang.code()).to_string())
            .unwrap_or_else(|| key.to_string())
    }

    pub fn status(&self, s: &MemberStatus) -> &'static str {
        self.get(&format!("status.{}", s.as_str()))
    }

    /// A number as each language writes it: `1.234,5` in Vietnamese and
    /// German, `1,234.5` in English.
    pub fn num(&self, v: f64, decimals: usize) -> String {
        let (thousands, point) = match self.lang {
            Lang::En => (',', '.'),
            Lang::Vi | Lang::De => ('.', ','),
        };
        let s = format!("{:.*}", decimals, v.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(thousands);
            }
            grouped.push(c);
        }
        let sign = if v < 0.0 && s.chars().any(|c| c != '0' && c != '.') {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{frac}")
        }
    }

    /// A date that may be withheld (a personal detail): a dash when absent.
    pub fn opt_date(&self, d: &Option<Date>) -> String {
        d.as_ref()
            .map(|d| self.date(d))
            .unwrap_or_else(|| "—".into())
    }

    /// Dates as each language writes them.
    pub fn date(&self, d: &Date) -> String {
        match self.lang {
            Lang::Vi => d.format("%d/%m/%Y").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
            Lang::De => d.format("%d.%m.%Y").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key a template or handler asks for exists (else the page shows "?").
    #[test]
    fn every_key_used_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut used = 0;
        // The files of templates/ and src/, with their subdirectories.
        let mut dirs = vec![root.join("templates"), root.join("src")];
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("tr.get(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                used += 1;
                if !STRINGS.iter().any(|s| s.0 == key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(used > 100, "found only {used} uses");
        assert!(missing.is_empty(), "keys without translations: {missing:?}");
    }

    #[test]
    fn numbers_in_each_locale() {
        let vi = Tr { lang: Lang::Vi };
        let en = Tr { lang: Lang::En };
        let de = Tr { lang: Lang::De };
        assert_eq!(vi.num(5_600_000.0, 0), "5.600.000");
        assert_eq!(en.num(5_600_000.0, 0), "5,600,000");
        assert_eq!(de.num(56.66, 1), "56,7");
        assert_eq!(en.num(56.66, 1), "56.7");
        assert_eq!(vi.num(-1234.5, 1), "-1.234,5");
        assert_eq!(vi.num(-0.01, 1), "0,0");
        assert_eq!(en.num(999.0, 0), "999");
    }

    #[test]
    fn every_key_is_translated_and_unique() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|s| s.0).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
        for (k, vi, en, de) in STRINGS {
            assert!(!vi.is_empty() && !en.is_empty() && !de.is_empty(), "{k}");
        }
        let tr = Tr { lang: Lang::De };
        let profile = Profile::default_cpv();
        for s in profile.stages.iter().chain(&profile.exits) {
            assert_eq!(tr.stage(&profile, &s.key), s.de);
        }
        for k in UnitKind::ALL {
            assert_ne!(tr.kind(&k), "?", "{k:?}");
        }
        for s in MemberStatus::ALL {
            assert_ne!(tr.status(&s), "?", "{s:?}");
        }
    }
}

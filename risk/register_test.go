package risk

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/table"
)

func loadModel(t testing.TB, path string) *governance.Model {
	t.Helper()
	m, err := governance.Load(path)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	return m
}

// wantRegister is what testdata/register.csv holds.
func wantRegister(file string) []*governance.Risk {
	return []*governance.Risk{
		{ID: "R-1", Title: "Ransomware on file servers, clinical", Domain: "endpoint", Category: "ransomware", Owner: "endpoint-lead",
			Status: governance.RiskMitigating, Estimate: quant(rateRange(0.05, 0.2, 0.5), pert(200000, 900000, 4000000)),
			Pos: governance.Pos{File: file, Line: 2, Column: 1}},
		{ID: "R-2", Title: "Phished credentials used against the EHR", Domain: "identity", Category: "data-breach", Owner: "iam-lead",
			Status: governance.RiskOpen, Estimate: quant(rate(0.4), lognormal(50000, 1500000)),
			Pos: governance.Pos{File: file, Line: 3, Column: 1}},
		{ID: "R-3", Title: "Stolen laptop", Domain: "endpoint", Category: "data-breach",
			Status: governance.RiskAccepted, Estimate: governance.Estimate{Likelihood: 2, Impact: 3},
			Pos: governance.Pos{File: file, Line: 5, Column: 1}},
		{ID: "R-4", Title: "Shared admin passwords", Domain: "identity", Category: "data-breach", Owner: "iam-lead",
			Status: governance.RiskOpen, Estimate: quant(rate(0.15), pert(1000, 1000, 1000)),
			Pos: governance.Pos{File: file, Line: 6, Column: 1}},
	}
}

// dump prints risks with their estimates' figures, for failure messages.
func dump(risks []*governance.Risk) string {
	var b strings.Builder
	for _, r := range risks {
		e := r.Estimate
		fmt.Fprintf(&b, "%s %q %s %s %s %s %+v L%d I%d", r.ID, r.Title, r.Domain, r.Category, r.Owner, r.Status, r.Pos, e.Likelihood, e.Impact)
		if f := e.Frequency; f != nil {
			fmt.Fprintf(&b, " rate %v range %+v", f.Rate, f.Range)
		}
		if m := e.Magnitude; m != nil {
			fmt.Fprintf(&b, " pert %+v lognormal %+v", m.PERT, m.Lognormal)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestReadCSV(t *testing.T) {
	m := loadModel(t, "testdata/model.yaml")
	f, err := os.Open("testdata/register.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadCSV("register.csv", f, m)
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	if want := wantRegister("register.csv"); !reflect.DeepEqual(got, want) {
		t.Errorf("ReadCSV:\n%swant:\n%s", dump(got), dump(want))
	}
}

const header = "id,title,domain,category,owner,status,freq,loss_p5,loss_p95,likelihood,impact\n"

func TestReadCSVErrors(t *testing.T) {
	m := loadModel(t, "testdata/model.yaml")
	tests := []struct {
		name, csv string
		want      []string
	}{
		{"empty file", "", []string{
			`f.csv:1: no header row: the first row names the columns, e.g. id,title,domain,category,owner,status,likelihood,impact,freq,freq_min,freq_likely,freq_max,loss_min,loss_likely,loss_max,loss_p5,loss_p95`}},
		{"header problems", "id,titel,domain,domain,,freq,,\n", []string{
			`f.csv:1: titel: unknown column "titel" (did you mean "title"?); the columns are id, title, domain, category, owner, status, likelihood, impact, freq, freq_min, freq_likely, freq_max, loss_min, loss_likely, loss_max, loss_p5, loss_p95`,
			`f.csv:1: domain: column "domain" is named twice in the header`,
			`f.csv:1: column 5 has no name: name every column of the header row (id, title, domain, category, owner, status, likelihood, impact, freq, freq_min, freq_likely, freq_max, loss_min, loss_likely, loss_max, loss_p5, loss_p95)`,
			`f.csv:1: category: missing column "category": the header must name id, domain, category`}},
		{"references", header +
			"R-1,t,identty,data-breach,iam-lаd,open,1,10,100,,\n" +
			"R 2,t,,Data Breach,ciso,Opened,1,10,100,,\n" +
			",t,endpoint,,,,1,10,100,,\n", []string{
			`f.csv:2: domain: unknown domain "identty" (did you mean "identity"?)`,
			`f.csv:2: owner: unknown role "iam-lаd" (did you mean "iam-lead"?)`,
			`f.csv:3: id: risk id "R 2" must not contain spaces, e.g. R-2`,
			`f.csv:3: domain: every risk needs a domain, the id of one of the model's domains`,
			`f.csv:3: category: category "Data Breach" is not a valid id: use lower-case letters, digits, '.', '_' and '-' (did you mean "data-breach"?)`,
			`f.csv:3: status: status "opened" is not one of open, mitigating, accepted, transferred, avoided, closed (did you mean "open"?)`,
			`f.csv:4: id: every risk needs an id, e.g. R-12`,
			`f.csv:4: category: every risk needs a category, such as a category of the model's appetite (data-breach, ransomware)`}},
		{"numbers", header +
			"R-1,t,identity,data-breach,,,0.1,\"$100,000\",1e6,,\n" +
			"R-2,t,identity,data-breach,,,-1,10,NaN,,\n" +
			"R-3,t,identity,data-breach,,,,,,6,2.5\n" +
			"R-4,t,identity,data-breach,,,0x10,10,inf,,\n" +
			"R-5,t,identity,data-breach,,,-1,10,100,,\n", []string{
			`f.csv:2: loss_p5: "$100,000" is not a number: write a plain number without separators or currency, e.g. 100000`,
			`f.csv:3: loss_p95: "NaN" is not a number: write a plain number without separators or currency`,
			`f.csv:4: likelihood: 6 is not a score: give a whole number from 1 to 5`,
			`f.csv:4: impact: 2.5 is not a score: give a whole number from 1 to 5`,
			`f.csv:5: freq: "0x10" is not a number: write a plain number without separators or currency`,
			`f.csv:5: loss_p95: "inf" is not a number: write a plain number without separators or currency`,
			`f.csv:6: freq: must be 0 or more, got -1`}},
		{"estimate combinations", "id,domain,category,freq,freq_min,freq_max,loss_min,loss_likely,loss_p5,loss_p95,likelihood,impact\n" +
			"R-1,identity,data-breach,0.1,0.05,,,,10,100,,\n" +
			"R-2,identity,data-breach,0.1,,,5,,10,100,,\n" +
			"R-3,identity,data-breach,,,,,,,,,\n" +
			"R-4,identity,data-breach,0.1,,,,,10,100,3,3\n" +
			"R-5,identity,data-breach,0.1,,,,,100,10,,\n" +
			"R-6,identity,data-breach,2e6,,,,,10,100,,\n" +
			"R-7,identity,data-breach,,,,,,,,3,\n", []string{
			`f.csv:2: freq_likely, freq_max: a frequency range needs freq_min, freq_likely, freq_max; only freq_min given`,
			`f.csv:3: loss_likely, loss_max: a PERT loss needs loss_min, loss_likely, loss_max; only loss_min given`,
			`f.csv:4: no estimate: give frequency and magnitude (or likelihood and impact scores 1..5)`,
			`f.csv:5: likelihood, impact, freq, loss_p5, loss_p95: give either frequency and magnitude, or likelihood and impact, not both`,
			`f.csv:6: freq, loss_p5, loss_p95: magnitude needs 0 < p5 < p95 (a 90% interval of the loss), got p5 100, p95 10`,
			`f.csv:7: freq, loss_p5, loss_p95: frequency must be at most 1e+06 events per year, got 2e+06`,
			`f.csv:8: likelihood: likelihood and impact must both be scores from 1 to 5`}},
		{"both families", "id,domain,category,freq,freq_min,freq_likely,freq_max,loss_min,loss_likely,loss_max,loss_p5,loss_p95\n" +
			"R-1,identity,data-breach,0.1,0.05,0.1,0.2,1,2,3,10,100\n", []string{
			`f.csv:2: freq: give freq (a rate) or freq_min, freq_likely, freq_max (a range), not both`,
			`f.csv:2: loss_p5: give loss_min, loss_likely, loss_max (PERT) or loss_p5, loss_p95 (a 90% interval), not both`}},
		{"rows and duplicates", header +
			"R-1,t,identity,data-breach,,,0.1,10,100,,\n" +
			"R-1,t,identity,data-breach,,,0.1,10,100,,\n" +
			"R-2,t,identity,data-breach,,,0.1,10,100,,,x\n" +
			"R-3,\"multi\nline\",identity,data-breach,,,0.1,10,100,,,,\n" +
			"R-4,t,identity,data-breach,,,oops,10,100,,\n", []string{
			`f.csv:3: id: duplicate risk id "R-1", first given on line 2`,
			`f.csv:4: the row has 12 cells but the header names 11 columns: is a comma missing quotes?`,
			`f.csv:7: freq: "oops" is not a number: write a plain number without separators or currency`}},
		{"bad quoting", header +
			"R-1,t,identity,data-breach,,,0.1,10,1000,,\n" +
			"R-2,t,identity,data-breach,,,oops,10,100,,\n" +
			"R-3,a \"quoted\" title,identity,data-breach,,,0.1,10,100,,\n", []string{
			`f.csv:3: freq: "oops" is not a number: write a plain number without separators or currency`,
			`f.csv:4: bare " in non-quoted-field at character 7; quote a cell that holds commas, quotes or line breaks, and double the quotes inside it`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			risks, err := ReadCSV("f.csv", strings.NewReader(tt.csv), m)
			if risks != nil {
				t.Errorf("a file with errors gave %d risks", len(risks))
			}
			es, ok := errors.AsType[table.Errors](err)
			if !ok {
				t.Fatalf("error %v (%T), want Errors", err, err)
			}
			if code := antares.ErrorCode(err); code != antares.EINVALID {
				t.Errorf("code %q, want %q", code, antares.EINVALID)
			}
			got := strings.Split(es.Error(), "\n")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// xlsxFile returns a workbook whose first sheet holds rows, starting at row
// start; numbers are stored as numbers, the loss cells formatted as
// currency.
func xlsxFile(t testing.TB, start int, rows [][]any) *bytes.Buffer {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetList()[0]
	style, err := f.NewStyle(&excelize.Style{NumFmt: 164, CustomNumFmt: ptr("$#,##0")})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, start+i)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetColStyle(sheet, "K:O", style); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Notes"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func ptr[T any](v T) *T { return &v }

func TestReadXLSX(t *testing.T) {
	m := loadModel(t, "testdata/model.yaml")
	rows := [][]any{
		{"ID", "Title", "Domain", "Category", "Owner", "Status", "freq", "freq_min", "freq_likely", "freq_max", "loss_min", "loss_likely", "loss_max", "loss_p5", "loss_p95", "likelihood", "impact"},
		{"R-1", "Ransomware on file servers, clinical", "endpoint", "ransomware", "endpoint-lead", "Mitigating", nil, 0.05, 0.2, 0.5, 200000, 900000, 4000000},
		{"R-2", "Phished credentials used against the EHR", "identity", "data-breach", "iam-lead", nil, 0.4, nil, nil, nil, nil, nil, nil, 50000, 1500000},
		{},
		{"R-3", "Stolen laptop", "endpoint", "data-breach", nil, "accepted", nil, nil, nil, nil, nil, nil, nil, nil, nil, 2, 3},
		{" R-4 ", " Shared admin passwords ", "identity", "data-breach", "iam-lead", "open", "1.5e-1", nil, nil, nil, 1000, 1000, 1000},
	}
	got, err := ReadXLSX("register.xlsx", xlsxFile(t, 1, rows), m)
	if err != nil {
		t.Fatalf("ReadXLSX: %v", err)
	}
	if want := wantRegister("register.xlsx"); !reflect.DeepEqual(got, want) {
		t.Errorf("ReadXLSX:\n%swant:\n%s", dump(got), dump(want))
	}

	// Lines are the sheet's row numbers, below blank rows above the header.
	bad := [][]any{rows[0], rows[1], {"R-2", "t", "identity", "data-breach", nil, nil, "often", nil, nil, nil, nil, nil, nil, 10, 100}}
	_, err = ReadXLSX("register.xlsx", xlsxFile(t, 3, bad), m)
	want := `register.xlsx:5: freq: "often" is not a number: write a plain number without separators or currency`
	if err == nil || err.Error() != want {
		t.Errorf("ReadXLSX error:\n%v\nwant:\n%s", err, want)
	}

	_, err = ReadXLSX("register.xlsx", strings.NewReader("id,domain\n"), m)
	if antares.ErrorCode(err) != antares.EINVALID || !strings.HasPrefix(err.Error(), "register.xlsx: not an XLSX workbook") {
		t.Errorf("reading CSV as XLSX: %v", err)
	}
}

// FuzzReadCSV checks that any input gives either risks that Check accepts,
// with unique valid ids, or no risks and a list of located problems; and
// never panics.
func FuzzReadCSV(f *testing.F) {
	m := loadModel(f, "testdata/model.yaml")
	seed, err := os.ReadFile("testdata/register.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add(header + "R-1,t,identity,data-breach,,,0.1,10,100,,\n")
	f.Add(header + "R-1,t,identty,Data,x,y,-1,1e400,NaN,9,\n")
	f.Add("id,domain,category,freq_min,freq_likely,freq_max,loss_min,loss_likely,loss_max\nR,endpoint,ransomware,0,1e6,1e6,0,0,1e15\n")
	f.Add("id,domain,category,likelihood,impact\n\"R\n1\",endpoint,ransomware,1,5\n\"unterminated")
	f.Add("\ufeff\n\n,,\nid\n")
	f.Fuzz(func(t *testing.T, data string) {
		risks, err := ReadCSV("f.csv", strings.NewReader(data), m)
		checkRead(t, m, risks, err)
	})
}

// FuzzReadXLSX checks that damaged workbooks give an invalid-input error
// and never a panic, and that whatever reads passes the checks of
// FuzzReadCSV.
func FuzzReadXLSX(f *testing.F) {
	m := loadModel(f, "testdata/model.yaml")
	good := xlsxFile(f, 1, [][]any{
		{"id", "domain", "category", "freq", "loss_p5", "loss_p95"},
		{"R-1", "identity", "data-breach", 0.1, 10, 100},
		{"R-2", "endpoint", "ransomware", "x", 10, 100},
	}).Bytes()
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		risks, err := ReadXLSX("f.xlsx", bytes.NewReader(data), m)
		checkRead(t, m, risks, err)
	})
}

// checkRead checks what reading a register file gave: either risks that
// Check accepts, with unique valid ids and references to m, or no risks and
// an invalid-input error whose problems are located in the file.
func checkRead(t *testing.T, m *governance.Model, risks []*governance.Risk, err error) {
	t.Helper()
	if err != nil {
		if risks != nil {
			t.Fatalf("risks %v with error %v", risks, err)
		}
		if antares.ErrorCode(err) != antares.EINVALID {
			t.Fatalf("error %v has code %q", err, antares.ErrorCode(err))
		}
		if es, ok := errors.AsType[table.Errors](err); ok {
			for _, e := range es {
				if e.Line < 1 || !strings.HasPrefix(e.File, "f.") || e.Message == "" {
					t.Fatalf("unlocated error %+v", e)
				}
			}
		}
		return
	}
	seen := map[string]bool{}
	for _, r := range risks {
		if !governance.ValidRiskID(r.ID) || seen[r.ID] {
			t.Fatalf("risk id %q invalid or repeated", r.ID)
		}
		seen[r.ID] = true
		if err := r.Estimate.Check(); err != nil {
			t.Fatalf("risk %s: %v", r.ID, err)
		}
		if m.Domain(r.Domain) == nil || (r.Owner != "" && m.Role(r.Owner) == nil) || !governance.ValidID(r.Category) {
			t.Fatalf("risk %s refers to domain %q, owner %q, category %q", r.ID, r.Domain, r.Owner, r.Category)
		}
		Simulate(r.Estimate, m.Scales, Config{Years: 10})
	}
}

func TestReadCSVWithoutModel(t *testing.T) {
	_, err := ReadCSV("f.csv", strings.NewReader(header+"R-1,t,identity,data-breach,ciso,,0.1,10,100,,\n"), nil)
	want := "f.csv:2: domain: unknown domain \"identity\"\nf.csv:2: owner: unknown role \"ciso\""
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

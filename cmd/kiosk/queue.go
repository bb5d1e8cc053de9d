package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"motcua/kiosk/config"
	"motcua/offline/store"
)

// queueCommand is "kiosk queue"; main.go lists it.
var queueCommand = &command{name: "queue", summary: "list, show, retry and purge queued dossiers; rotate the data key", run: runQueue}

// openStore opens the kiosk's encrypted store as the config says.
// openStore resolves the shared flags (over the config file) and opens the
// store in the data directory they name.
func openStore(cf *config.Flags) (config.Config, *store.Store, error) {
	cfg, err := cf.Resolve()
	if err != nil {
		return cfg, nil, err
	}
	ret, err := store.ParseRetention(cfg.Retention)
	if err != nil {
		return cfg, nil, err
	}
	st, err := store.OpenDir(cfg.DataDir, cfg.KeyPath(), store.Options{Retention: ret, KioskID: cfg.KioskID,
		MaxAttachment: int64(cfg.MaxAttachmentMB) << 20})
	return cfg, st, err
}

// clerkFlag registers --clerk: who the audit trail names for CLI actions.
func clerkFlag(fs *flag.FlagSet) *string {
	def := "cli"
	if u := os.Getenv("USER"); u != "" {
		def = "cli:" + u
	}
	return fs.String("clerk", def, "clerk ID recorded in the audit trail")
}

const queueUsage = `usage: kiosk queue COMMAND [flags]

  list [--json] [--state queued|filed|needs-attention|closed]   dossiers, personal data masked
  show ID [--json]                    one dossier's metadata and status history
  retry ID                            put a dossier that needs attention back in the outbox
  purge                               delete local personal data of dossiers the portal confirmed
  rotate-key                          new data key; re-seal everything; drop the old key
  check                               verify the store's invariants and the audit trail

Shared flags: --data DIR --config FILE --key FILE --clerk ID`

func runQueue(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, queueUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("queue "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cf := config.Bind(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	state := fs.String("state", "", "list only this state")
	clerk := clerkFlag(fs)
	// Accept "show ID --json" as well as "show --json ID".
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	needID := sub == "show" || sub == "retry"
	if needID != (len(pos) == 1) || len(pos) > 1 {
		fmt.Fprintln(e.stderr, queueUsage)
		return errUsage
	}
	_, st, err := openStore(cf)
	if err != nil {
		return err
	}
	defer st.Close()
	who := store.Actor{Clerk: *clerk}
	switch sub {
	case "list":
		recs, err := st.List(store.Filter{State: store.State(*state)})
		if err != nil {
			return err
		}
		if *asJSON {
			if recs == nil {
				recs = []store.Record{}
			}
			return writeJSON(e.stdout, recs)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCREATED\tPROCEDURE\tCITIZEN\tSTATE\tCODE\tPORTAL STATUS\tATTEMPTS")
		for _, r := range recs {
			ps := "-"
			if r.PortalStatus.Valid() {
				ps = fmt.Sprintf("%d %s", r.PortalStatus, r.PortalStatus.Vietnamese())
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.ID, r.CreatedAt.Local().Format("2006-01-02 15:04"),
				r.ProcedureCode, r.MaskedID, r.State, orDash(r.Code), ps, r.Attempts)
		}
		return tw.Flush()
	case "show":
		rec, err := st.Get(pos[0])
		if err != nil {
			return err
		}
		hist, err := st.History(pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, struct {
				*store.Record
				History []store.Event `json:"history"`
			}{rec, hist})
		}
		fmt.Fprintf(e.stdout, "ID:            %s\nProcedure:     %s %s\nCitizen:       %s (%d applicant(s))\nState:         %s\n",
			rec.ID, rec.ProcedureCode, rec.ProcedureName, rec.MaskedID, rec.Applicants, rec.State)
		if rec.Code != "" {
			fmt.Fprintf(e.stdout, "Code:          %s\nPortal status: %d %s\n", rec.Code, rec.PortalStatus, rec.PortalStatus.Vietnamese())
		}
		if rec.HasReason {
			// The portal's reason may name the citizen: it is kept sealed
			// and this read is audited.
			why, err := st.Reason(rec.ID, store.Actor{Clerk: *clerk, Purpose: "xem lý do cổng trả lại"})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Reason:        %s (%s)\n", why, orDash(rec.ReasonCode))
		}
		fmt.Fprintf(e.stdout, "Hash:          %s\nPersonal data: %v\nAttempts:      %d\n", rec.Hash, rec.PersonalData, rec.Attempts)
		if rec.LastError != "" {
			fmt.Fprintf(e.stdout, "Last error:    %s\n", rec.LastError)
		}
		fmt.Fprintln(e.stdout, "History:")
		for _, h := range hist {
			fmt.Fprintf(e.stdout, "  %s  %-15s %s\n", h.At.Local().Format("2006-01-02 15:04:05"), h.State, h.Note)
		}
		return nil
	case "retry":
		who.Purpose = "gửi lại hồ sơ"
		if err := st.Retry(pos[0], who); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "queued", pos[0])
		return nil
	case "purge":
		who.Purpose = "xoá dữ liệu cá nhân đã chuyển lên cổng"
		n, err := st.Purge(who)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "personal data deleted for %d dossier(s)\n", n)
		return nil
	case "rotate-key":
		who.Purpose = "đổi khoá dữ liệu"
		n, err := st.RotateKey(who)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "data key rotated (now key %d); %d value(s) re-sealed\n", st.Keyring().Current(), n)
		return nil
	case "check":
		probs, err := st.Check()
		if err != nil {
			return err
		}
		if *asJSON {
			if probs == nil {
				probs = []store.Problem{}
			}
			writeJSON(e.stdout, probs)
		} else {
			for _, p := range probs {
				fmt.Fprintf(e.stdout, "%s: %s\n", p.ID, p.What)
			}
		}
		if len(probs) > 0 {
			return fmt.Errorf("%d problem(s) found", len(probs))
		}
		if !*asJSON {
			fmt.Fprintln(e.stdout, "store consistent")
		}
		return nil
	}
	fmt.Fprintln(e.stderr, queueUsage)
	return errUsage
}

package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"certflow/api"
	"certflow/config"
	"certflow/domain"
	"certflow/ident"
	"certflow/pii"
)

// runToken prints one token signed with this checkout's secret.
func runToken(args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	role := fs.String("role", "", "role: applicant, enterprise, provincial_reviewer, ministry_reviewer, supervisor, investigator, admin")
	sub := fs.String("sub", "", "subject (user id)")
	ent := fs.String("enterprise", "", "enterprise credit code (enterprise users)")
	prac := fs.String("practitioner", "", "resident ID of the practitioner (applicants); the token carries only its keyed hash")
	prov := fs.String("province", "", "province code (provincial reviewers, investigators)")
	ttl := fs.Duration("ttl", 24*time.Hour, "lifetime")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	index := ""
	if *prac != "" {
		rid, err := ident.ParseResidentID(*prac)
		if err != nil {
			return fmt.Errorf("--practitioner: %w", err)
		}
		sealer, err := pii.NewSealer(cfg.PIIKey)
		if err != nil {
			return err
		}
		index = sealer.Index(rid.Number)
	}
	tok, err := api.IssueToken(cfg.JWTSecret, api.Claims{Role: domain.Role(*role), Enterprise: *ent,
		Practitioner: index, Province: *prov, RegisteredClaims: jwt.RegisteredClaims{Subject: *sub}}, *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}

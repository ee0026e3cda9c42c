//! The SEPA credit transfer file: ISO 20022 `pain.001.001.03`, one payment information block
//! for the batch, one transaction per payee. Pure: it takes what to pay and returns the XML,
//! which `tests/it/honoraria` validates against the official schema with `xmllint`.

use quick_xml::escape::escape;

/// The paying side.
#[derive(Debug, Clone)]
pub struct Debtor {
    /// The organisation's name (at most 70 characters are kept).
    pub name: String,
    /// Its IBAN, electronic form.
    pub iban: String,
    /// Its bank's BIC, if known.
    pub bic: Option<String>,
}

/// One transfer.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// Unique per transaction (at most 35 characters).
    pub end_to_end_id: String,
    /// The amount with the currency's decimals (`12.50`).
    pub amount: String,
    /// The account holder (at most 70 characters are kept).
    pub name: String,
    /// The payee's IBAN, electronic form.
    pub iban: String,
    /// The payee's bank's BIC, if given.
    pub bic: Option<String>,
    /// What the payee's bank statement shows (at most 140 characters are kept).
    pub remittance: String,
}

/// A whole file.
#[derive(Debug, Clone)]
pub struct Payment<'a> {
    /// The message id (the batch reference, at most 35 characters).
    pub message_id: &'a str,
    /// Creation time, `YYYY-MM-DDTHH:MM:SS`.
    pub created: &'a str,
    /// Requested execution date, `YYYY-MM-DD`.
    pub execution_date: &'a str,
    /// ISO 4217 code.
    pub currency: &'a str,
    /// The sum of all transfers, with the currency's decimals.
    pub control_sum: &'a str,
    /// Who pays.
    pub debtor: &'a Debtor,
    /// The transfers.
    pub transfers: &'a [Transfer],
}

/// Cuts `text` to `max` characters and escapes it for XML.
fn text(value: &str, max: usize) -> String {
    let cut: String = value.chars().take(max).collect();
    escape(cut.as_str()).into_owned()
}

fn agent(out: &mut String, tag: &str, bic: Option<&str>) {
    out.push_str(&format!("<{tag}><FinInstnId>"));
    match bic {
        Some(bic) => out.push_str(&format!("<BIC>{}</BIC>", text(bic, 11))),
        None => out.push_str("<Othr><Id>NOTPROVIDED</Id></Othr>"),
    }
    out.push_str(&format!("</FinInstnId></{tag}>"));
}

/// The XML document.
pub fn document(p: &Payment<'_>) -> String {
    let n = p.transfers.len();
    let mut out = String::with_capacity(600 + n * 520);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push('\n');
    out.push_str(
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    );
    out.push_str("<CstmrCdtTrfInitn><GrpHdr>");
    out.push_str(&format!("<MsgId>{}</MsgId>", text(p.message_id, 35)));
    out.push_str(&format!("<CreDtTm>{}</CreDtTm>", text(p.created, 19)));
    out.push_str(&format!("<NbOfTxs>{n}</NbOfTxs>"));
    out.push_str(&format!("<CtrlSum>{}</CtrlSum>", text(p.control_sum, 19)));
    out.push_str(&format!(
        "<InitgPty><Nm>{}</Nm></InitgPty></GrpHdr>",
        text(&p.debtor.name, 70)
    ));
    out.push_str("<PmtInf>");
    out.push_str(&format!("<PmtInfId>{}</PmtInfId>", text(p.message_id, 35)));
    out.push_str("<PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg>");
    out.push_str(&format!("<NbOfTxs>{n}</NbOfTxs>"));
    out.push_str(&format!("<CtrlSum>{}</CtrlSum>", text(p.control_sum, 19)));
    out.push_str("<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>");
    out.push_str(&format!(
        "<ReqdExctnDt>{}</ReqdExctnDt>",
        text(p.execution_date, 10)
    ));
    out.push_str(&format!(
        "<Dbtr><Nm>{}</Nm></Dbtr>",
        text(&p.debtor.name, 70)
    ));
    out.push_str(&format!(
        "<DbtrAcct><Id><IBAN>{}</IBAN></Id></DbtrAcct>",
        text(&p.debtor.iban, 34)
    ));
    agent(&mut out, "DbtrAgt", p.debtor.bic.as_deref());
    out.push_str("<ChrgBr>SLEV</ChrgBr>");
    for t in p.transfers {
        out.push_str("<CdtTrfTxInf>");
        out.push_str(&format!(
            "<PmtId><EndToEndId>{}</EndToEndId></PmtId>",
            text(&t.end_to_end_id, 35)
        ));
        out.push_str(&format!(
            r#"<Amt><InstdAmt Ccy="{}">{}</InstdAmt></Amt>"#,
            text(p.currency, 3),
            text(&t.amount, 19)
        ));
        if let Some(bic) = &t.bic {
            agent(&mut out, "CdtrAgt", Some(bic));
        }
        out.push_str(&format!("<Cdtr><Nm>{}</Nm></Cdtr>", text(&t.name, 70)));
        out.push_str(&format!(
            "<CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct>",
            text(&t.iban, 34)
        ));
        out.push_str(&format!(
            "<RmtInf><Ustrd>{}</Ustrd></RmtInf>",
            text(&t.remittance, 140)
        ));
        out.push_str("</CdtTrfTxInf>");
    }
    out.push_str("</PmtInf></CstmrCdtTrfInitn></Document>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_and_cut_to_the_schema_lengths() {
        let debtor = Debtor {
            name: "Council <Secretariat> & Co".into(),
            iban: "DE89370400440532013000".into(),
            bic: None,
        };
        let transfers = [Transfer {
            end_to_end_id: "REF-1".into(),
            amount: "12.50".into(),
            name: "A".repeat(80),
            iban: "FR1420041010050500013M02606".into(),
            bic: Some("BNPAFRPP".into()),
            remittance: "Payment REF".into(),
        }];
        let xml = document(&Payment {
            message_id: "REF",
            created: "2026-12-01T10:00:00",
            execution_date: "2026-12-02",
            currency: "EUR",
            control_sum: "12.50",
            debtor: &debtor,
            transfers: &transfers,
        });
        assert!(xml.contains("<Nm>Council &lt;Secretariat&gt; &amp; Co</Nm>"));
        assert!(xml.contains(&format!("<Nm>{}</Nm>", "A".repeat(70))));
        assert!(xml.contains("<Othr><Id>NOTPROVIDED</Id></Othr>"));
        assert!(xml.contains(r#"<InstdAmt Ccy="EUR">12.50</InstdAmt>"#));
        assert!(xml.contains("<NbOfTxs>1</NbOfTxs><CtrlSum>12.50</CtrlSum>"));
    }
}

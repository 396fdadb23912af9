//! `impl LinkStore`; see the parent module for why this is a macro.

macro_rules! link_store {
    ($store:ident) => {
        #[async_trait]
        impl LinkStore for $store {
            #[tracing::instrument(skip_all, fields(customer_id = %customer))]
            async fn issue_link_code(
                &self,
                customer: &CustomerId,
                code_hash: &str,
                at: Timestamp,
                expires_at: Timestamp,
            ) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                sqlx::query("DELETE FROM link_codes WHERE customer_id = $1 AND used_at IS NULL")
                    .bind(customer.as_str())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO link_codes (code_hash, customer_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(code_hash)
                .bind(customer.as_str())
                .bind(codec::millis(at))
                .bind(codec::millis(expires_at))
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict_if_unique(e, "the code is taken"))?;
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn take_link_code(
                &self,
                code_hash: &str,
                at: Timestamp,
            ) -> Result<Option<CustomerId>> {
                let row = sqlx::query(
                    "UPDATE link_codes SET used_at = $2 \
                     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                     RETURNING customer_id",
                )
                .bind(code_hash)
                .bind(codec::millis(at))
                .fetch_optional(self.writer())
                .await?;
                row.map(|r| {
                    let raw = r.text("customer_id")?;
                    CustomerId::parse(&raw)
                        .map_err(|_| StoreError::Corrupt("link_codes.customer_id".into()))
                })
                .transpose()
            }

            #[tracing::instrument(skip_all, fields(customer_id = %customer, channel = channel.as_str()))]
            async fn unlink_address(
                &self,
                customer: &CustomerId,
                channel: Channel,
                address: &str,
                actor: &Actor,
                at: Timestamp,
            ) -> Result<()> {
                let mut tx = self.writer().begin().await?;
                let contact = sqlx::query(
                    "SELECT c.id FROM channel_identities i JOIN contacts c ON c.id = i.contact_id \
                     WHERE i.channel = $1 AND i.address = $2 AND c.customer_id = $3",
                )
                .bind(channel.as_str())
                .bind(address)
                .bind(customer.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?
                .int("id")?;
                let changed = sqlx::query(
                    "UPDATE contacts SET customer_id = NULL, linked_at = NULL \
                     WHERE id = $1 AND customer_id = $2",
                )
                .bind(contact)
                .bind(customer.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query(
                    "INSERT INTO contact_links \
                     (contact_id, customer_id, actor_kind, actor_id, at, action) \
                     VALUES ($1, $2, $3, $4, $5, 'unlink')",
                )
                .bind(contact)
                .bind(customer.as_str())
                .bind(actor.kind())
                .bind(actor.id_text())
                .bind(codec::millis(at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use link_store;

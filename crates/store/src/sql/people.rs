//! `impl PeopleStore`; see the parent module for why this is a macro.

macro_rules! people_store {
    ($store:ident) => {
        #[async_trait]
        impl PeopleStore for $store {
            #[tracing::instrument(skip_all, fields(customer_id = %customer.id))]
            async fn upsert_customer(&self, customer: &Customer) -> Result<()> {
                sqlx::query(
                    "INSERT INTO customers (id, kind, name, email, phone, locale, flags, bookings) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
                     email = excluded.email, phone = excluded.phone, locale = excluded.locale, \
                     flags = excluded.flags, bookings = excluded.bookings",
                )
                .bind(customer.id.as_str())
                .bind(customer.kind.as_str())
                .bind(&customer.name)
                .bind(customer.email.as_ref().map(|e| e.as_str()))
                .bind(customer.phone.as_ref().map(|p| p.as_str()))
                .bind(customer.locale.as_str())
                .bind(codec::to_json(&customer.flags)?)
                .bind(codec::to_json(&customer.bookings)?)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(customer_id = %id))]
            async fn customer(&self, id: &CustomerId) -> Result<Customer> {
                let row = sqlx::query(
                    "SELECT id, kind, name, email, phone, locale, flags, bookings \
                     FROM customers WHERE id = $1",
                )
                .bind(id.as_str())
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                codec::customer(&row)
            }

            #[tracing::instrument(skip_all, fields(order = %order.number))]
            async fn upsert_order(&self, order: &Order) -> Result<()> {
                sqlx::query(
                    "INSERT INTO orders \
                     (number, customer_id, title, status, amount_minor, currency, placed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (number) DO UPDATE SET customer_id = excluded.customer_id, \
                     title = excluded.title, status = excluded.status, \
                     amount_minor = excluded.amount_minor, currency = excluded.currency, \
                     placed_at = excluded.placed_at",
                )
                .bind(order.number.as_str())
                .bind(order.customer_id.as_str())
                .bind(&order.title)
                .bind(&order.status)
                .bind(order.amount_minor)
                .bind(&order.currency)
                .bind(codec::millis(order.placed_at))
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(customer_id = %id))]
            async fn customer_orders(&self, id: &CustomerId) -> Result<Vec<Order>> {
                sqlx::query(
                    "SELECT number, customer_id, title, status, amount_minor, currency, placed_at \
                     FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC, number DESC",
                )
                .bind(id.as_str())
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(codec::order)
                .collect()
            }

            #[tracing::instrument(skip_all, fields(channel = address.channel.as_str()))]
            async fn resolve_address(
                &self,
                address: &Address,
                locale: Locale,
                at: Timestamp,
            ) -> Result<Requester> {
                // A known address (nearly every message) needs no write
                // transaction: read its owner first.
                {
                    let mut conn = self.reader().acquire().await?;
                    if let Some(owner) = identity_owner(&mut conn, address).await? {
                        return Ok(owner);
                    }
                }
                // Two first messages from one new address at once: the second
                // insert loses on the unique address and reads the first's.
                for _ in 0..2 {
                    let mut tx = self.writer().begin().await?;
                    if let Some(owner) = identity_owner(&mut tx, address).await? {
                        return Ok(owner);
                    }
                    let owner = match profile_owner(&mut tx, address).await? {
                        Some(customer) => Requester::Customer(customer),
                        None => {
                            let name = address
                                .name
                                .clone()
                                .filter(|n| !n.trim().is_empty())
                                .unwrap_or_else(|| address.value.clone());
                            let id = sqlx::query(
                                "INSERT INTO contacts (name, locale, created_at) VALUES ($1, $2, $3) \
                                 RETURNING id",
                            )
                            .bind(name)
                            .bind(locale.as_str())
                            .bind(codec::millis(at))
                            .fetch_one(&mut *tx)
                            .await?
                            .int("id")?;
                            Requester::Contact(ContactId(id))
                        }
                    };
                    let (customer, contact) = codec::requester_columns(&owner);
                    let inserted = sqlx::query(
                        "INSERT INTO channel_identities (channel, address, customer_id, contact_id, created_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, address) DO NOTHING",
                    )
                    .bind(address.channel.as_str())
                    .bind(&address.value)
                    .bind(contact.is_none().then_some(customer))
                    .bind(contact)
                    .bind(codec::millis(at))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if inserted == 1 {
                        tx.commit().await?;
                        return Ok(owner);
                    }
                }
                Err(StoreError::Conflict("the address is being registered; try again".into()))
            }

            #[tracing::instrument(skip_all, fields(contact = id.0))]
            async fn contact(&self, id: ContactId) -> Result<Contact> {
                let row = sqlx::query(
                    "SELECT id, name, locale, customer_id, created_at, linked_at FROM contacts WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(self.reader())
                .await?
                .ok_or(StoreError::NotFound)?;
                codec::contact(&row)
            }

            #[tracing::instrument(skip_all, fields(contact = contact.0, customer = %customer))]
            async fn link_contact(
                &self,
                contact: ContactId,
                customer: &CustomerId,
                actor: &Actor,
                at: Timestamp,
            ) -> Result<Vec<Ticket>> {
                let mut tx = self.writer().begin().await?;
                let row = sqlx::query(<$store>::LOCK_CONTACT)
                    .bind(contact.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                match row.opt_text("customer_id")? {
                    Some(linked) if linked == customer.as_str() => return Ok(Vec::new()),
                    Some(_) => {
                        return Err(StoreError::Conflict(
                            "the contact is linked to another account".into(),
                        ));
                    }
                    None => {}
                }
                sqlx::query("UPDATE contacts SET customer_id = $2, linked_at = $3 WHERE id = $1")
                    .bind(contact.0)
                    .bind(customer.as_str())
                    .bind(codec::millis(at))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO contact_links (contact_id, customer_id, actor_kind, actor_id, at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(contact.0)
                .bind(customer.as_str())
                .bind(actor.kind())
                .bind(actor.id_text())
                .bind(codec::millis(at))
                .execute(&mut *tx)
                .await?;
                let mut moved = sqlx::query(concat!(
                    "UPDATE tickets SET customer_id = $2, contact_id = NULL, updated_at = $3, \
                     version = version + 1 WHERE contact_id = $1 RETURNING ",
                    ticket_columns!()
                ))
                .bind(contact.0)
                .bind(customer.as_str())
                .bind(codec::millis(at))
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(codec::ticket)
                .collect::<Result<Vec<_>>>()?;
                moved.sort_by_key(|t| t.id);
                let event = TicketEvent::RequesterLinked {
                    contact,
                    customer: customer.clone(),
                };
                let mut notices = Vec::with_capacity(moved.len());
                for t in &moved {
                    insert_events(&mut tx, t.id, actor, std::slice::from_ref(&event), at).await?;
                    notices.push(Notice::Ticket { ticket: Box::new(t.clone()) });
                }
                self.announce_in_tx(&mut tx, &notices).await?;
                tx.commit().await?;
                self.announce_committed(notices);
                Ok(moved)
            }

            #[tracing::instrument(skip_all, fields(requester = %requester))]
            async fn identities(&self, requester: &Requester) -> Result<Vec<Identity>> {
                let query = match requester {
                    Requester::Customer(c) => sqlx::query(
                        "SELECT i.channel, i.address, i.customer_id, i.contact_id, i.created_at, \
                         c.customer_id AS linked FROM channel_identities i \
                         LEFT JOIN contacts c ON c.id = i.contact_id \
                         WHERE i.customer_id = $1 OR c.customer_id = $1 ORDER BY i.id",
                    )
                    .bind(c.as_str().to_owned()),
                    Requester::Contact(k) => sqlx::query(
                        "SELECT i.channel, i.address, i.customer_id, i.contact_id, i.created_at, \
                         c.customer_id AS linked FROM channel_identities i \
                         LEFT JOIN contacts c ON c.id = i.contact_id \
                         WHERE i.contact_id = $1 ORDER BY i.id",
                    )
                    .bind(k.0),
                };
                query
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(codec::identity)
                    .collect()
            }
        }

        /// Who an address already belongs to: its identity's customer, or its
        /// contact (the linked customer once the contact was linked).
        async fn identity_owner(conn: &mut Conn, address: &Address) -> Result<Option<Requester>> {
            let Some(row) = sqlx::query(
                "SELECT i.customer_id, i.contact_id, c.customer_id AS linked \
                 FROM channel_identities i LEFT JOIN contacts c ON c.id = i.contact_id \
                 WHERE i.channel = $1 AND i.address = $2",
            )
            .bind(address.channel.as_str())
            .bind(&address.value)
            .fetch_optional(&mut *conn)
            .await?
            else {
                return Ok(None);
            };
            codec::identity_owner(&row).map(Some)
        }

        /// The one customer whose profile has this e-mail address or phone:
        /// the order system vouches for those. Two customers sharing one
        /// address make it nobody's.
        async fn profile_owner(conn: &mut Conn, address: &Address) -> Result<Option<CustomerId>> {
            let column = match address.channel {
                Channel::Email => "SELECT id FROM customers WHERE lower(email) = lower($1) LIMIT 2",
                Channel::Phone => "SELECT id FROM customers WHERE phone = $1 LIMIT 2",
                _ => return Ok(None),
            };
            let rows = sqlx::query(column)
                .bind(&address.value)
                .fetch_all(&mut *conn)
                .await?;
            match rows.as_slice() {
                [one] => Ok(CustomerId::parse(&one.text("id")?).ok()),
                _ => Ok(None),
            }
        }
    };
}
pub(crate) use people_store;

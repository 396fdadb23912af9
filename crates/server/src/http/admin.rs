//! Customers as the order system feeds them, and staff accounts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_domain::customer::{Booking, Customer, CustomerFlags, CustomerKind, Order};
use switchboard_domain::i18n::Locale;
use switchboard_domain::ids::{CustomerId, EmailAddress, Login, OrderNumber, PhoneNumber};
use switchboard_domain::intake::FieldError;
use switchboard_store::{NewOperator, Role, StaffAuditKind};
use utoipa::ToSchema;

use crate::auth::{self, StaffAuth};
use crate::error::{ApiError, Problem};
use crate::http::input::ApiJson;
use crate::http::views::{CustomerView, OperatorView};
use crate::security::Audit;
use crate::security::client::ClientAddress;
use crate::state::AppState;

fn customer_id(raw: &str) -> Result<CustomerId, ApiError> {
    CustomerId::parse(raw).map_err(|_| ApiError::not_found())
}

/// A customer's profile and orders, so operators need not re-verify identity.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", security(("staff" = [])),
    params(("id" = String, Path)), responses((status = 200, body = CustomerView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_customer(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
) -> Result<Json<CustomerView>, ApiError> {
    let id = customer_id(&id)?;
    let customer = state.store.customer(&id).await?;
    if !switchboard_core::access::sees_customer(&state.catalog(), &staff.0, customer.kind) {
        return Err(switchboard_core::access::out_of_scope().into());
    }
    let orders = state.store.customer_orders(&id).await?;
    Ok(Json(CustomerView::new(&customer, &orders)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerRequest {
    /// buyer, seller, bank_retail, bank_business or traveller
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// ru (default) or en
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub premium_seller: bool,
    #[serde(default)]
    pub corporate: bool,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub bookings: Vec<Booking>,
}

fn push(errors: &mut Vec<FieldError>, field: &'static str, ru: &str, en: &str) {
    errors.push(FieldError::new(field, "invalid", ru, en));
}

/// Create or update a customer (the order system's feed).
#[utoipa::path(put, path = "/api/v1/customers/{id}", tag = "customers", security(("staff" = [])),
    params(("id" = String, Path)), request_body = CustomerRequest,
    responses((status = 200, body = CustomerView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_customer(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CustomerRequest>,
) -> Result<Json<CustomerView>, ApiError> {
    staff.require_admin()?;
    let mut errors = Vec::new();
    let id = CustomerId::parse(&id)
        .map_err(|e| ApiError::field("id", "invalid", "Неверный идентификатор клиента", &e.0))?;
    let kind = CustomerKind::parse(&req.kind);
    if kind.is_none() {
        push(
            &mut errors,
            "kind",
            "Неизвестный тип клиента",
            "Unknown customer kind",
        );
    }
    if req.name.trim().is_empty() || req.name.chars().count() > 200 {
        push(
            &mut errors,
            "name",
            "Имя: от 1 до 200 символов",
            "Name is 1 to 200 characters",
        );
    }
    let email = match req.email.as_deref().filter(|s| !s.is_empty()) {
        Some(e) => EmailAddress::parse(e).map(Some).unwrap_or_else(|_| {
            push(
                &mut errors,
                "email",
                "Неверный адрес почты",
                "Not an e-mail address",
            );
            None
        }),
        None => None,
    };
    let phone = match req.phone.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => PhoneNumber::parse(p).map(Some).unwrap_or_else(|_| {
            push(
                &mut errors,
                "phone",
                "Телефон в формате +79161234567",
                "Phone as +79161234567",
            );
            None
        }),
        None => None,
    };
    let locale = match req.locale.as_deref() {
        None => Some(Locale::Ru),
        Some(l) => Locale::parse(l),
    };
    if locale.is_none() {
        push(
            &mut errors,
            "locale",
            "Язык: ru или en",
            "Locale is ru or en",
        );
    }
    let (Some(kind), Some(locale), true) = (kind, locale, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let customer = Customer {
        id: id.clone(),
        kind,
        name: req.name.trim().to_owned(),
        email,
        phone,
        locale,
        flags: CustomerFlags {
            premium_seller: req.premium_seller,
            corporate: req.corporate,
        },
        bookings: req.bookings,
    };
    state.store.upsert_customer(&customer).await?;
    let orders = state.store.customer_orders(&id).await?;
    Ok(Json(CustomerView::new(&customer, &orders)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    pub title: String,
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
    /// RFC 3339
    pub placed_at: String,
}

/// Create or update one of the customer's orders.
#[utoipa::path(put, path = "/api/v1/customers/{id}/orders/{number}", tag = "customers", security(("staff" = [])),
    params(("id" = String, Path), ("number" = String, Path)), request_body = OrderRequest,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_order(
    State(state): State<AppState>,
    staff: StaffAuth,
    Path((id, number)): Path<(String, String)>,
    ApiJson(req): ApiJson<OrderRequest>,
) -> Result<StatusCode, ApiError> {
    staff.require_admin()?;
    let id = customer_id(&id)?;
    state.store.customer(&id).await?;
    let mut errors = Vec::new();
    let number = OrderNumber::parse(&number)
        .map_err(|e| ApiError::field("number", "invalid", "Неверный номер заказа", &e.0))?;
    let placed_at = req.placed_at.parse::<jiff::Timestamp>().ok();
    if placed_at.is_none() {
        push(
            &mut errors,
            "placed_at",
            "Дата в формате RFC 3339",
            "A date in RFC 3339 form",
        );
    }
    if req.title.trim().is_empty() {
        push(
            &mut errors,
            "title",
            "Нужно название",
            "A title is required",
        );
    }
    if req.currency.len() != 3 || !req.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        push(
            &mut errors,
            "currency",
            "Валюта — код ISO 4217, например RUB",
            "Currency is an ISO 4217 code such as RUB",
        );
    }
    let (Some(placed_at), true) = (placed_at, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let order = Order {
        number,
        customer_id: id,
        title: req.title.trim().to_owned(),
        status: req.status,
        amount_minor: req.amount_minor,
        currency: req.currency,
        placed_at,
    };
    state.store.upsert_order(&order).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Staff accounts (supervisors and admins).
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", security(("staff" = [])),
    responses((status = 200, body = Vec<OperatorView>), (status = 403, body = Problem)))]
pub async fn list_staff(
    State(state): State<AppState>,
    staff: StaffAuth,
) -> Result<Json<Vec<OperatorView>>, ApiError> {
    staff.require_supervisor()?;
    let all = state.store.operators().await?;
    Ok(Json(all.iter().map(OperatorView::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffRequest {
    pub login: String,
    pub name: String,
    /// operator, supervisor or admin
    pub role: String,
    /// At least `staff.password_min_chars` (12) characters, not containing
    /// the login, not a common or trivially patterned password.
    pub password: String,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Where SLA alerts are e-mailed (supervisors).
    #[serde(default)]
    pub email: Option<String>,
    /// A shift calendar from `calendars.toml`; absent: always on shift.
    #[serde(default)]
    pub calendar: Option<String>,
}

fn default_capacity() -> u32 {
    5
}

/// Skills must be in the catalog live now; capacity is 1 to 50.
pub(crate) fn check_skills_and_capacity(
    state: &AppState,
    skills: &[String],
    capacity: u32,
    errors: &mut Vec<FieldError>,
) {
    let known = state.catalog().skills();
    if let Some(bad) = skills.iter().find(|s| !known.contains(s)) {
        errors.push(FieldError::new(
            "skills",
            "unknown_skill",
            &format!("Неизвестный навык «{bad}»"),
            &format!("Unknown skill {bad:?}"),
        ));
    }
    if !(1..=50).contains(&capacity) {
        push(
            errors,
            "capacity",
            "Одновременных чатов: от 1 до 50",
            "Capacity is 1 to 50",
        );
    }
}

/// Create a staff account (admins).
#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", security(("staff" = [])), request_body = StaffRequest,
    responses((status = 201, body = OperatorView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_staff(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    staff: StaffAuth,
    ApiJson(req): ApiJson<StaffRequest>,
) -> Result<(StatusCode, Json<OperatorView>), ApiError> {
    staff.require_admin()?;
    let mut errors = Vec::new();
    let login = Login::parse(&req.login).ok();
    if login.is_none() {
        push(
            &mut errors,
            "login",
            "Логин: 2–64 латинских буквы, цифры, - _ . @",
            "Login is 2–64 Latin letters, digits, - _ . @",
        );
    }
    let role = Role::parse(&req.role);
    if role.is_none() {
        push(
            &mut errors,
            "role",
            "Роль: operator, supervisor или admin",
            "Role is operator, supervisor or admin",
        );
    }
    if req.name.trim().is_empty() {
        push(&mut errors, "name", "Нужно имя", "A name is required");
    }
    if let Err(ApiError::Validation(problems)) =
        state
            .guard
            .check_password("password", &req.password, req.login.trim())
    {
        errors.extend(problems);
    }
    check_skills_and_capacity(&state, &req.skills, req.capacity, &mut errors);
    let email = match req
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        None => None,
        Some(e) => match switchboard_domain::ids::EmailAddress::parse(e) {
            Ok(e) => Some(e),
            Err(_) => {
                push(
                    &mut errors,
                    "email",
                    "Неверный адрес почты",
                    "Not an e-mail address",
                );
                None
            }
        },
    };
    if let Some(c) = req.calendar.as_deref()
        && state.rules().calendars.get(c).is_none()
    {
        errors.push(FieldError::new(
            "calendar",
            "unknown_calendar",
            &format!("Неизвестный календарь «{c}»"),
            &format!("Unknown calendar {c:?}"),
        ));
    }
    let (Some(login), Some(role), true) = (login, role, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let password = req.password;
    let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let created = state
        .store
        .create_operator(&NewOperator {
            login,
            name: req.name.trim().to_owned(),
            role,
            skills: req.skills,
            capacity: req.capacity,
            password_hash,
        })
        .await?;
    let created = if email.is_some() || req.calendar.is_some() {
        state
            .store
            .set_operator_profile(created.id, email.as_ref(), req.calendar.as_deref())
            .await?;
        state.store.operator(created.id).await?
    } else {
        created
    };
    // Routers learn of new staff when they rebuild (their presence notice
    // finds them unknown); nothing to announce here.
    Audit {
        kind: StaffAuditKind::AccountCreated,
        subject: Some(&created),
        login: created.login.as_str(),
        actor: Some(&staff.0),
        address,
        detail: created.role.as_str(),
    }
    .record(&state)
    .await?;
    Ok((StatusCode::CREATED, Json(OperatorView::from(&created))))
}

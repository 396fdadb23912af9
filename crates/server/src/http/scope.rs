//! The staff side's one door to a ticket: [`ScopedTicket`] authenticates the
//! member of staff, parses the `{number}` of the path and loads the ticket
//! through the use case that applies the access rule (`core::access`). Every
//! staff endpoint under `/tickets/{number}` and `/chats/{number}` takes it,
//! so none can read or act on a ticket outside the caller's scope.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use switchboard_domain::ids::TicketNumber;
use switchboard_domain::ticket::Ticket;

use crate::auth::StaffAuth;
use crate::error::ApiError;
use crate::state::AppState;

/// A signed-in member of staff and a ticket they may see.
pub struct ScopedTicket {
    pub staff: StaffAuth,
    pub ticket: Ticket,
}

impl FromRequestParts<AppState> for ScopedTicket {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = StaffAuth::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        let number = params
            .iter()
            .find(|(k, _)| *k == "number")
            .map(|(_, v)| v)
            .ok_or_else(ApiError::not_found)?;
        let number = TicketNumber::parse(number).map_err(|_| ApiError::not_found())?;
        let ticket = state.core.staff_ticket(&staff.0, number.id()).await?;
        Ok(ScopedTicket { staff, ticket })
    }
}

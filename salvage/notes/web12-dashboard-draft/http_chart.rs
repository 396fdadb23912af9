
/// A chart's figures as of now, with lines and channels named in `locale`.
pub async fn chart_figures(
    state: &AppState,
    chart: Chart,
    locale: Locale,
) -> Result<charts::Figures, ApiError> {
    let now = state.clock.now();
    let since = chart.since(now);
    let store = state.store.as_ref();
    Ok(match chart {
        Chart::FirstResponse => charts::first_response(&store.first_responses(since).await?, locale),
        Chart::Sla => {
            let catalog = &state.catalog;
            let name = |code: &str| {
                catalog
                    .line(code)
                    .map_or_else(|| code.to_owned(), |l| l.name.get(locale).to_owned())
            };
            charts::sla(&store.sla_by_line(since).await?, now, name)
        }
        Chart::Volume => {
            let w = crate::web::staff::text::words(locale);
            charts::volume(&store.volume_by_channel(since).await?, now, |c| {
                w.label(c).to_owned()
            })
        }
    })
}

/// A dashboard chart as an SVG image (`first-response`, `sla` or `volume`),
/// its words in the language of `?lang=` (Russian by default).
#[utoipa::path(get, path = "/api/v1/dashboard/charts/{kind}", tag = "staff", security(("staff" = [])),
    params(("kind" = String, Path, description = "first-response, sla or volume"), ("lang" = Option<String>, Query)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn chart(
    State(state): State<AppState>,
    staff: StaffAuth,
    lang: PageLocale,
    Path(kind): Path<String>,
) -> Result<Response, ApiError> {
    staff.require_supervisor()?;
    let chart = Chart::parse(&kind).ok_or_else(ApiError::not_found)?;
    let figures = chart_figures(&state, chart, lang.locale).await?;
    let svg = charts::draw(chart.title(lang.locale), &figures)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("drawing a chart: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
        ],
        svg,
    )
        .into_response())
}

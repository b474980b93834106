"""Filing packets (申报材料): the forms a bureau clerk accepts, with the case's attachments,
rendered to one paginated PDF in one click."""

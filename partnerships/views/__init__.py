"""The partnership pages, a module per page:

| module        | pages                                                                 |
|---------------|-----------------------------------------------------------------------|
| `browse`      | the request list, my requests, a request's detail                     |
| `editing`     | creating and editing a request; submit, approve, return, close        |
| `interests`   | sending an expression of interest, accepting or declining one         |
| `suggestions` | suggestions, a request's candidates, the consortium builder, "Not relevant", the digest opt-out |
| `projects`    | the public project list and detail, recording a request as a project  |
| `lookup`      | shared: the request or interest a person may see (404 otherwise)      |

Views read input, ask `partnerships.rules` (through `members.access`), call
`partnerships.services`, add a message and redirect. A request the person may not see
answers 404 (its existence is not confirmed); a visible request the person may not act on
answers 403. Who may open which URL: the table in `partnerships/rules.py`.
"""

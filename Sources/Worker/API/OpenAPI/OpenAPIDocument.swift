/// docs/openapi.yml, embedded so the worker serves it without reading files at run time.
///
/// Keep it a byte-for-byte copy of docs/openapi.yml (`OpenAPIDocumentTests` fails otherwise):
/// edit the YAML file, then paste it between the delimiters, indented like the closing
/// delimiter (the literal strips exactly that indentation; `swift format format -i` indents a
/// pasted block for you). The blank line before the closing delimiter keeps the final newline.
enum OpenAPIDocument {
    static let yaml = #"""
        openapi: 3.1.0
        info:
          title: Rookery Conduit API
          description: |
            The RealWorld ("Conduit") API as Rookery implements it: the upstream RealWorld 2.0.0
            document, made true to the code (limits, error bodies, status codes, headers).
            docs/api.md is the prose reference. Served at GET /api/openapi.yml.

            Every response from a worker carries `X-Request-Id` (the client's id when it is 1-128
            characters of `[A-Za-z0-9._:-]`, else 32 random hex digits) and `Access-Control-Allow-Origin`
            (`--cors-origin`, default `*`). Every error body is `{"errors":{"<key>":["<message>"]}}`.
            Lengths are counted in Unicode scalars for user fields, in characters for title,
            description and tags, and in UTF-8 bytes for article and comment bodies.
          contact:
            name: RealWorld
            url: https://realworld-docs.netlify.app/
          license:
            name: MIT License
            url: https://opensource.org/licenses/MIT
          version: 2.0.0
        tags:
          - name: Articles
          - name: Comments
          - name: Favorites
          - name: Profile
          - name: Tags
          - name: User and Authentication
          - name: Documentation
        servers:
          - url: /api
        paths:
          /users/login:
            post:
              tags:
                - User and Authentication
              summary: Existing user login
              description: Login for existing user. The email is compared case-insensitively.
              operationId: Login
              security: []
              requestBody:
                $ref: '#/components/requestBodies/LoginUserRequest'
              responses:
                '200':
                  $ref: '#/components/responses/UserResponse'
                '401':
                  $ref: '#/components/responses/InvalidCredentials'
                '413':
                  $ref: '#/components/responses/PayloadTooLarge'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /users:
            post:
              tags:
                - User and Authentication
              summary: Register a new user
              description: Register a new user. `bio` and `image` start as null.
              operationId: CreateUser
              security: []
              requestBody:
                $ref: '#/components/requestBodies/NewUserRequest'
              responses:
                '201':
                  $ref: '#/components/responses/UserResponse'
                '409':
                  $ref: '#/components/responses/ConflictError'
                '413':
                  $ref: '#/components/responses/PayloadTooLarge'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /user:
            get:
              tags:
                - User and Authentication
              summary: Get current user
              description: Gets the currently logged-in user. The token is echoed back as sent.
              operationId: GetCurrentUser
              security:
                - Token: []
              responses:
                '200':
                  $ref: '#/components/responses/UserResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
            put:
              tags:
                - User and Authentication
              summary: Update current user
              description: |
                Updates any subset of the fields. An absent field keeps its value; `null` or `""`
                clears `bio`/`image`; `null` for `username`, `email` or `password` is a 422.
              operationId: UpdateCurrentUser
              security:
                - Token: []
              requestBody:
                $ref: '#/components/requestBodies/UpdateUserRequest'
              responses:
                '200':
                  $ref: '#/components/responses/UserResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '409':
                  $ref: '#/components/responses/ConflictError'
                '413':
                  $ref: '#/components/responses/PayloadTooLarge'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /profiles/{username}:
            get:
              tags:
                - Profile
              summary: Get a profile
              description: Get a profile of a user of the system (username matched case-insensitively). Auth is optional.
              operationId: GetProfileByUsername
              security:
                - {}
                - Token: []
              parameters:
                - $ref: '#/components/parameters/usernameParam'
              responses:
                '200':
                  $ref: '#/components/responses/ProfileResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /profiles/{username}/follow:
            post:
              tags:
                - Profile
              summary: Follow a user
              description: |
                Follow a user by username. Idempotent. Following yourself is a 422
                (`profile` `cannot follow yourself`).
              operationId: FollowUserByUsername
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/usernameParam'
              responses:
                '200':
                  $ref: '#/components/responses/ProfileResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
            delete:
              tags:
                - Profile
              summary: Unfollow a user
              description: Unfollow a user by username. Idempotent.
              operationId: UnfollowUserByUsername
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/usernameParam'
              responses:
                '200':
                  $ref: '#/components/responses/ProfileResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /articles/feed:
            get:
              tags:
                - Articles
              summary: Get recent articles from users you follow
              description: Articles by the authors the viewer follows, newest first, without `body`. Auth is required.
              operationId: GetArticlesFeed
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/offsetParam'
                - $ref: '#/components/parameters/limitParam'
              responses:
                '200':
                  $ref: '#/components/responses/MultipleArticlesResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /articles:
            get:
              tags:
                - Articles
              summary: Get recent articles globally
              description: |
                Newest first, without `body`. The filters combine (AND); an empty filter value is
                ignored. `articlesCount` is the total number of matching articles, not the page size.
                Auth is optional.
              operationId: GetArticles
              security:
                - {}
                - Token: []
              parameters:
                - name: tag
                  in: query
                  description: Filter by tag (exact, case-sensitive)
                  schema:
                    type: string
                - name: author
                  in: query
                  description: Filter by author (username, case-insensitive)
                  schema:
                    type: string
                - name: favorited
                  in: query
                  description: Filter by favorites of a user (username, case-insensitive)
                  schema:
                    type: string
                - $ref: '#/components/parameters/offsetParam'
                - $ref: '#/components/parameters/limitParam'
              responses:
                '200':
                  $ref: '#/components/responses/MultipleArticlesResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
            post:
              tags:
                - Articles
              summary: Create an article
              description: |
                Create an article. The slug is made from the title; when it is taken (or is `feed`),
                a dash and six random letters or digits are appended, so duplicate titles succeed.
                Auth is required.
              operationId: CreateArticle
              security:
                - Token: []
              requestBody:
                $ref: '#/components/requestBodies/NewArticleRequest'
              responses:
                '201':
                  $ref: '#/components/responses/SingleArticleResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '413':
                  $ref: '#/components/responses/PayloadTooLarge'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /articles/{slug}:
            get:
              tags:
                - Articles
              summary: Get an article
              description: Get an article, with its body. Auth is optional.
              operationId: GetArticle
              security:
                - {}
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
              responses:
                '200':
                  $ref: '#/components/responses/SingleArticleResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
            put:
              tags:
                - Articles
              summary: Update an article
              description: |
                Author only. Absent fields keep their value. A title that slugs differently gives a
                new slug. `tagList` omitted keeps the tags, `[]` clears them, `null` is a 422.
              operationId: UpdateArticle
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
              requestBody:
                $ref: '#/components/requestBodies/UpdateArticleRequest'
              responses:
                '200':
                  $ref: '#/components/responses/SingleArticleResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '403':
                  $ref: '#/components/responses/Forbidden'
                '404':
                  $ref: '#/components/responses/NotFound'
                '413':
                  $ref: '#/components/responses/PayloadTooLarge'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
            delete:
              tags:
                - Articles
              summary: Delete an article
              description: Author only. Its comments, tag links and favorites go with it.
              operationId: DeleteArticle
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
              responses:
                '204':
                  $ref: '#/components/responses/EmptyOkResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '403':
                  $ref: '#/components/responses/Forbidden'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /articles/{slug}/comments:
            get:
              tags:
                - Comments
              summary: Get comments for an article
              description: The comments of an article, oldest first. Auth is optional.
              operationId: GetArticleComments
              security:
                - {}
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
              responses:
                '200':
                  $ref: '#/components/responses/MultipleCommentsResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
            post:
              tags:
                - Comments
              summary: Create a comment for an article
              description: Create a comment for an article. Auth is required.
              operationId: CreateArticleComment
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
              requestBody:
                $ref: '#/components/requestBodies/NewCommentRequest'
              responses:
                '201':
                  $ref: '#/components/responses/SingleCommentResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '413':
                  $ref: '#/components/responses/PayloadTooLarge'
                '422':
                  $ref: '#/components/responses/GenericError'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /articles/{slug}/comments/{id}:
            delete:
              tags:
                - Comments
              summary: Delete a comment for an article
              description: Comment author only. An id that is not an integer names no comment (404).
              operationId: DeleteArticleComment
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
                - name: id
                  in: path
                  description: ID of the comment you want to delete
                  required: true
                  schema:
                    type: integer
                    format: int64
              responses:
                '204':
                  $ref: '#/components/responses/EmptyOkResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '403':
                  $ref: '#/components/responses/Forbidden'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /articles/{slug}/favorite:
            post:
              tags:
                - Favorites
              summary: Favorite an article
              description: Favorite an article. Idempotent; `favoritesCount` stays exact under concurrency. Auth is required.
              operationId: CreateArticleFavorite
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
              responses:
                '200':
                  $ref: '#/components/responses/SingleArticleResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
            delete:
              tags:
                - Favorites
              summary: Unfavorite an article
              description: Unfavorite an article. Idempotent. Auth is required.
              operationId: DeleteArticleFavorite
              security:
                - Token: []
              parameters:
                - $ref: '#/components/parameters/slugParam'
              responses:
                '200':
                  $ref: '#/components/responses/SingleArticleResponse'
                '401':
                  $ref: '#/components/responses/Unauthorized'
                '404':
                  $ref: '#/components/responses/NotFound'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /tags:
            get:
              tags:
                - Tags
              summary: Get tags
              description: Every tag used by at least one article, sorted by code point. Auth not required.
              operationId: GetTags
              security: []
              responses:
                '200':
                  $ref: '#/components/responses/TagsResponse'
                '503':
                  $ref: '#/components/responses/ServiceUnavailable'
          /openapi.yml:
            get:
              tags:
                - Documentation
              summary: This document
              description: The OpenAPI document of the API (docs/openapi.yml). Auth not required.
              operationId: GetOpenAPIDocument
              security: []
              responses:
                '200':
                  description: The OpenAPI document
                  headers:
                    X-Request-Id:
                      $ref: '#/components/headers/XRequestId'
                  content:
                    application/yaml:
                      schema:
                        type: string
        components:
          schemas:
            Username:
              type: string
              minLength: 1
              maxLength: 64
              pattern: '^[A-Za-z0-9_.-]+$'
              description: ASCII letters, digits, `_`, `-` and `.`; unique case-insensitively.
            Email:
              type: string
              minLength: 3
              maxLength: 254
              description: One `@`, a non-empty local part, a domain with a dot; no whitespace. Unique case-insensitively.
            Password:
              type: string
              format: password
              minLength: 8
              maxLength: 128
              description: 8-128 characters of anything.
            Bio:
              type:
                - string
                - 'null'
              maxLength: 4096
              description: '`""` and `null` store null.'
            Image:
              type:
                - string
                - 'null'
              maxLength: 2048
              description: An absolute http or https URL; `""` and `null` store null.
            Title:
              type: string
              minLength: 1
              maxLength: 256
              description: Not blank; trimmed before it is checked and stored.
            Description:
              type: string
              minLength: 1
              maxLength: 1024
              description: Not blank; trimmed before it is checked and stored.
            ArticleBody:
              type: string
              minLength: 1
              maxLength: 65536
              description: Not blank; at most 65536 bytes of UTF-8; stored as sent.
            TagList:
              type: array
              maxItems: 20
              description: |
                At most 20 distinct tags. Each is trimmed; exact duplicates are dropped; every article
                representation lists them in name order (UTF-8 byte order).
              items:
                type: string
                minLength: 1
                maxLength: 64
            LoginUser:
              required:
                - email
                - password
              type: object
              properties:
                email:
                  type: string
                  minLength: 1
                password:
                  type: string
                  format: password
                  minLength: 1
            NewUser:
              required:
                - email
                - password
                - username
              type: object
              properties:
                username:
                  $ref: '#/components/schemas/Username'
                email:
                  $ref: '#/components/schemas/Email'
                password:
                  $ref: '#/components/schemas/Password'
            User:
              required:
                - bio
                - email
                - image
                - token
                - username
              type: object
              properties:
                email:
                  type: string
                token:
                  type: string
                username:
                  type: string
                bio:
                  type:
                    - string
                    - 'null'
                image:
                  type:
                    - string
                    - 'null'
            UpdateUser:
              type: object
              properties:
                email:
                  $ref: '#/components/schemas/Email'
                password:
                  $ref: '#/components/schemas/Password'
                username:
                  $ref: '#/components/schemas/Username'
                bio:
                  $ref: '#/components/schemas/Bio'
                image:
                  $ref: '#/components/schemas/Image'
            Profile:
              required:
                - bio
                - following
                - image
                - username
              type: object
              properties:
                username:
                  type: string
                bio:
                  type:
                    - string
                    - 'null'
                image:
                  type:
                    - string
                    - 'null'
                following:
                  type: boolean
            Timestamp:
              type: string
              format: date-time
              description: ISO 8601 in UTC with milliseconds, e.g. `2016-02-18T03:22:56.637Z`.
              pattern: '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$'
            Article:
              required:
                - author
                - body
                - createdAt
                - description
                - favorited
                - favoritesCount
                - slug
                - tagList
                - title
                - updatedAt
              type: object
              properties:
                slug:
                  type: string
                  pattern: '^[a-z0-9]+(-[a-z0-9]+)*$'
                title:
                  type: string
                description:
                  type: string
                body:
                  type: string
                tagList:
                  type: array
                  items:
                    type: string
                createdAt:
                  $ref: '#/components/schemas/Timestamp'
                updatedAt:
                  $ref: '#/components/schemas/Timestamp'
                favorited:
                  type: boolean
                favoritesCount:
                  type: integer
                  minimum: 0
                author:
                  $ref: '#/components/schemas/Profile'
            NewArticle:
              required:
                - body
                - description
                - title
              type: object
              properties:
                title:
                  $ref: '#/components/schemas/Title'
                description:
                  $ref: '#/components/schemas/Description'
                body:
                  $ref: '#/components/schemas/ArticleBody'
                tagList:
                  oneOf:
                    - $ref: '#/components/schemas/TagList'
                    - type: 'null'
                  description: Absent or `null` means no tags.
            UpdateArticle:
              type: object
              properties:
                title:
                  $ref: '#/components/schemas/Title'
                description:
                  $ref: '#/components/schemas/Description'
                body:
                  $ref: '#/components/schemas/ArticleBody'
                tagList:
                  $ref: '#/components/schemas/TagList'
            Comment:
              required:
                - author
                - body
                - createdAt
                - id
                - updatedAt
              type: object
              properties:
                id:
                  type: integer
                  format: int64
                createdAt:
                  $ref: '#/components/schemas/Timestamp'
                updatedAt:
                  $ref: '#/components/schemas/Timestamp'
                body:
                  type: string
                author:
                  $ref: '#/components/schemas/Profile'
            NewComment:
              required:
                - body
              type: object
              properties:
                body:
                  type: string
                  minLength: 1
                  maxLength: 16384
                  description: Not blank; at most 16384 bytes of UTF-8; stored as sent.
            GenericErrorModel:
              required:
                - errors
              type: object
              properties:
                errors:
                  type: object
                  additionalProperties:
                    type: array
                    items:
                      type: string
          headers:
            XRequestId:
              description: The request's id, also in the gateway's and worker's log lines.
              schema:
                type: string
                maxLength: 128
                pattern: '^[A-Za-z0-9._:-]+$'
            RetryAfter:
              description: Seconds to wait before retrying.
              schema:
                type: integer
                minimum: 1
          responses:
            TagsResponse:
              description: Tags
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    required:
                      - tags
                    type: object
                    properties:
                      tags:
                        type: array
                        items:
                          type: string
            SingleCommentResponse:
              description: Single comment
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    required:
                      - comment
                    type: object
                    properties:
                      comment:
                        $ref: '#/components/schemas/Comment'
            MultipleCommentsResponse:
              description: Multiple comments
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    required:
                      - comments
                    type: object
                    properties:
                      comments:
                        type: array
                        items:
                          $ref: '#/components/schemas/Comment'
            SingleArticleResponse:
              description: Single article
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    required:
                      - article
                    type: object
                    properties:
                      article:
                        $ref: '#/components/schemas/Article'
            MultipleArticlesResponse:
              description: Multiple articles (list items carry no `body`)
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    required:
                      - articles
                      - articlesCount
                    type: object
                    properties:
                      articles:
                        type: array
                        maxItems: 100
                        items:
                          required:
                            - author
                            - createdAt
                            - description
                            - favorited
                            - favoritesCount
                            - slug
                            - tagList
                            - title
                            - updatedAt
                          type: object
                          properties:
                            slug:
                              type: string
                            title:
                              type: string
                            description:
                              type: string
                            tagList:
                              type: array
                              items:
                                type: string
                            createdAt:
                              $ref: '#/components/schemas/Timestamp'
                            updatedAt:
                              $ref: '#/components/schemas/Timestamp'
                            favorited:
                              type: boolean
                            favoritesCount:
                              type: integer
                              minimum: 0
                            author:
                              $ref: '#/components/schemas/Profile'
                      articlesCount:
                        type: integer
                        minimum: 0
                        description: Total number of matching articles, not the page size.
            ProfileResponse:
              description: Profile
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    required:
                      - profile
                    type: object
                    properties:
                      profile:
                        $ref: '#/components/schemas/Profile'
            UserResponse:
              description: User
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    required:
                      - user
                    type: object
                    properties:
                      user:
                        $ref: '#/components/schemas/User'
            EmptyOkResponse:
              description: No content (empty body)
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
            Unauthorized:
              description: Missing token (`token` `is missing`), or a malformed, badly signed or expired token, or one
                whose user no longer exists (`token` `is invalid`).
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  examples:
                    missing:
                      value:
                        errors:
                          token:
                            - is missing
                    invalid:
                      value:
                        errors:
                          token:
                            - is invalid
            InvalidCredentials:
              description: Unknown email or wrong password (the same answer for both).
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  example:
                    errors:
                      credentials:
                        - invalid
            ConflictError:
              description: Username or email already taken, compared case-insensitively; names every taken field.
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  example:
                    errors:
                      email:
                        - has already been taken
                      username:
                        - has already been taken
            Forbidden:
              description: Acting on another user's article or comment. The key is `article` or `comment`.
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  example:
                    errors:
                      article:
                        - forbidden
            NotFound:
              description: Unknown resource. The key is `article`, `comment`, `profile` (or `route` for an unknown path).
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  example:
                    errors:
                      article:
                        - not found
            PayloadTooLarge:
              description: |
                The body is larger than `--max-body-size` (default 1048576 bytes). The gateway answers
                by itself, before a request id is assigned (no `X-Request-Id`), and closes the connection.
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  example:
                    errors:
                      body:
                        - is too large
            ServiceUnavailable:
              description: |
                The database is unreachable (`database` `is unavailable, retry later`), or the gateway's
                queue is full (`server` `is busy, retry later`, with `Retry-After`), or it is shutting
                down (`server` `is shutting down`, with `Retry-After`).
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
                Retry-After:
                  $ref: '#/components/headers/RetryAfter'
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  example:
                    errors:
                      server:
                        - is busy, retry later
            GenericError:
              description: |
                Invalid input: an empty body (`body` `can't be empty`), invalid JSON (`body`
                `is not valid JSON`), a missing or null field (`<field>` `can't be blank`), a wrong
                type (`<field>` `must be a string`), or a failed rule; every problem is listed at once.
              headers:
                X-Request-Id:
                  $ref: '#/components/headers/XRequestId'
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/GenericErrorModel'
                  example:
                    errors:
                      title:
                        - can't be blank
          requestBodies:
            LoginUserRequest:
              required: true
              description: Credentials to use
              content:
                application/json:
                  schema:
                    required:
                      - user
                    type: object
                    properties:
                      user:
                        $ref: '#/components/schemas/LoginUser'
            NewUserRequest:
              required: true
              description: Details of the new user to register
              content:
                application/json:
                  schema:
                    required:
                      - user
                    type: object
                    properties:
                      user:
                        $ref: '#/components/schemas/NewUser'
            UpdateUserRequest:
              required: true
              description: User details to update. Absent fields are kept.
              content:
                application/json:
                  schema:
                    required:
                      - user
                    type: object
                    properties:
                      user:
                        $ref: '#/components/schemas/UpdateUser'
            NewArticleRequest:
              required: true
              description: Article to create
              content:
                application/json:
                  schema:
                    required:
                      - article
                    type: object
                    properties:
                      article:
                        $ref: '#/components/schemas/NewArticle'
            UpdateArticleRequest:
              required: true
              description: Article to update. Absent fields are kept.
              content:
                application/json:
                  schema:
                    required:
                      - article
                    type: object
                    properties:
                      article:
                        $ref: '#/components/schemas/UpdateArticle'
            NewCommentRequest:
              required: true
              description: Comment you want to create
              content:
                application/json:
                  schema:
                    required:
                      - comment
                    type: object
                    properties:
                      comment:
                        $ref: '#/components/schemas/NewComment'
          parameters:
            usernameParam:
              name: username
              in: path
              required: true
              description: Username of the profile (matched case-insensitively)
              schema:
                type: string
            slugParam:
              name: slug
              in: path
              required: true
              description: Slug of the article
              schema:
                type: string
            offsetParam:
              in: query
              name: offset
              required: false
              schema:
                type: integer
                minimum: 0
                maximum: 1000000
                default: 0
              description: |
                The number of items to skip. Values outside 0-1000000 are clamped; a value that is
                not an integer is a 422 (`offset` `must be an integer`); an empty value counts as absent.
            limitParam:
              in: query
              name: limit
              required: false
              schema:
                type: integer
                minimum: 1
                maximum: 100
                default: 20
              description: |
                The number of items to return. Values outside 1-100 are clamped; a value that is
                not an integer is a 422 (`limit` `must be an integer`); an empty value counts as absent.
          securitySchemes:
            Token:
              type: apiKey
              description: |
                A JWT received from registering (POST /users) or logging in (POST /users/login),
                sent as `Authorization: Token xxxxxx.yyyyyyy.zzzzzz` (`Bearer` is accepted too; the
                scheme is case-insensitive). Tokens expire after `--jwt-ttl` seconds (default 86400).
              name: Authorization
              in: header

        """#
}

package io.tributary.pipeline.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;

/** A paginated JSON API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpSource(
    @Required
        @Pattern("^https?://.+")
        @JsonPropertyDescription("URL of the first page, e.g. https://api.example.com/v1/orders.")
        String url,
    @JsonPropertyDescription(
            "JSON path (dot-separated) of the array of records in each response, e.g. data.items;"
                + " default: the response body is the array.")
        String itemsPath,
    @JsonPropertyDescription("How to walk the pages; default: a single request.")
        Pagination pagination,
    @JsonPropertyDescription(
            "Secret key whose value is sent as the auth header value, e.g. 'Bearer abc'.")
        SecretKeyRef authSecretRef,
    @JsonPropertyDescription("Header that carries the auth value (default Authorization).")
        String authHeader,
    @Min(0)
        @Max(10000)
        @JsonPropertyDescription("Request rate limit in requests per second (default 10).")
        Double requestsPerSecond,
    @Min(0)
        @Max(20)
        @JsonPropertyDescription(
            "Retries of a request answered 429 or 5xx, with exponential backoff honouring"
                + " Retry-After (default 5).")
        Integer maxRetries) {

  /** Page walking strategies. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.type != 'cursor' || has(self.cursorPath)",
      message = "source.http.pagination.type cursor needs cursorPath (where the next cursor is)")
  public record Pagination(
      @Required
          @JsonPropertyDescription(
              "page: ?page=N; offset: ?offset=N&limit=M; cursor: a cursor from each response;"
                  + " link: follow the RFC 8288 Link header rel=next.")
          Type type,
      @JsonPropertyDescription("Query parameter of the page number or offset or cursor.")
          String param,
      @JsonPropertyDescription("Query parameter of the page size (page and offset types).")
          String sizeParam,
      @Min(1) @Max(10000) @JsonPropertyDescription("Records per page (default 100).")
          Integer pageSize,
      @JsonPropertyDescription("JSON path of the next cursor in a response (cursor type).")
          String cursorPath) {

    /** Pagination of {@code type} with every option at its default. */
    public static Pagination of(Type type) {
      return new Pagination(type, null, null, null, null);
    }

    public Pagination withParam(String name) {
      return new Pagination(type, name, sizeParam, pageSize, cursorPath);
    }

    public Pagination withSizeParam(String name) {
      return new Pagination(type, param, name, pageSize, cursorPath);
    }

    public Pagination withPageSize(int size) {
      return new Pagination(type, param, sizeParam, size, cursorPath);
    }

    public Pagination withCursorPath(String path) {
      return new Pagination(type, param, sizeParam, pageSize, path);
    }

    /** Pagination type. */
    public enum Type {
      @JsonProperty("page")
      PAGE,
      @JsonProperty("offset")
      OFFSET,
      @JsonProperty("cursor")
      CURSOR,
      @JsonProperty("link")
      LINK
    }
  }
}

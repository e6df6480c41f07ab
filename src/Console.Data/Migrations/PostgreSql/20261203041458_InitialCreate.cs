using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SesConsole.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccountReputationBuckets",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Test = table.Column<bool>(type: "boolean", nullable: false),
                    Day = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Sent = table.Column<long>(type: "bigint", nullable: false),
                    Delivered = table.Column<long>(type: "bigint", nullable: false),
                    HardBounces = table.Column<long>(type: "bigint", nullable: false),
                    SoftBounces = table.Column<long>(type: "bigint", nullable: false),
                    Complaints = table.Column<long>(type: "bigint", nullable: false),
                    ComplaintEligible = table.Column<long>(type: "bigint", nullable: false),
                    Suppressed = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountReputationBuckets", x => new { x.AccountId, x.Hour, x.Test });
                });

            migrationBuilder.CreateTable(
                name: "Accounts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(34)", unicode: false, maxLength: 34, nullable: true),
                    HomeRegions = table.Column<string>(type: "character varying(512)", unicode: false, maxLength: 512, nullable: false),
                    Sandbox = table.Column<bool>(type: "boolean", nullable: false),
                    SendingEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    EnforcementStatus = table.Column<int>(type: "integer", nullable: false),
                    ReputationSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Max24HourSend = table.Column<int>(type: "integer", nullable: false),
                    MaxSendRate = table.Column<double>(type: "double precision", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: true),
                    Kind = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    Target = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ActorArn = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ActorAccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: true),
                    Via = table.Column<string>(type: "character varying(16)", unicode: false, maxLength: 16, nullable: false),
                    Credential = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SourceIp = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: true),
                    Summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Before = table.Column<string>(type: "text", nullable: true),
                    After = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChangeCounters",
                columns: table => new
                {
                    Family = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeCounters", x => x.Family);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InboundFeedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    EnvelopeTo = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    RemoteIp = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: true),
                    MessageId = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    SourceArn = table.Column<string>(type: "character varying(400)", unicode: false, maxLength: 400, nullable: true),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Recorded = table.Column<bool>(type: "boolean", nullable: false),
                    Summary = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Mime = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundFeedback", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InstallationSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    ProtectedValue = table.Column<string>(type: "character varying(4000)", unicode: false, maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstallationSecrets", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "NodeLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    Holder = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NodeLeases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "PublishedEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    ConfigurationSetName = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    DestinationName = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    EventType = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PublishedEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReputationBuckets",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    OwnerAccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    SourceArn = table.Column<string>(type: "character varying(400)", unicode: false, maxLength: 400, nullable: false),
                    Hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Test = table.Column<bool>(type: "boolean", nullable: false),
                    Sent = table.Column<long>(type: "bigint", nullable: false),
                    Delivered = table.Column<long>(type: "bigint", nullable: false),
                    HardBounces = table.Column<long>(type: "bigint", nullable: false),
                    SoftBounces = table.Column<long>(type: "bigint", nullable: false),
                    Complaints = table.Column<long>(type: "bigint", nullable: false),
                    ComplaintEligible = table.Column<long>(type: "bigint", nullable: false),
                    Suppressed = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReputationBuckets", x => new { x.AccountId, x.Hour, x.Test, x.OwnerAccountId, x.SourceArn });
                });

            migrationBuilder.CreateTable(
                name: "SendActivityBuckets",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    OwnerAccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Accepted = table.Column<long>(type: "bigint", nullable: false),
                    Rejected = table.Column<long>(type: "bigint", nullable: false),
                    Recipients = table.Column<long>(type: "bigint", nullable: false),
                    Bounces = table.Column<long>(type: "bigint", nullable: false),
                    Complaints = table.Column<long>(type: "bigint", nullable: false),
                    Rejects = table.Column<long>(type: "bigint", nullable: false),
                    ReputationDeliveries = table.Column<long>(type: "bigint", nullable: false),
                    ReputationBounces = table.Column<long>(type: "bigint", nullable: false),
                    ReputationComplaints = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendActivityBuckets", x => new { x.AccountId, x.OwnerAccountId, x.Start });
                });

            migrationBuilder.CreateTable(
                name: "SendAttempts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    CallerArn = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    IdentityArn = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    OwnerAccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: true),
                    Api = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Accepted = table.Column<bool>(type: "boolean", nullable: false),
                    Step = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ErrorCode = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    ErrorMessage = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    MessageId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    FromAddress = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    RecipientCount = table.Column<int>(type: "integer", nullable: false),
                    Decision = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Explanation = table.Column<string>(type: "text", nullable: true),
                    Mail = table.Column<string>(type: "text", nullable: true),
                    ReplayContext = table.Column<string>(type: "text", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendAttempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SendEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    OwnerAccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: true),
                    SourceArn = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Type = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    Recipient = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Json = table.Column<string>(type: "text", nullable: false),
                    CountsTowardReputation = table.Column<bool>(type: "boolean", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SnsDeliveryAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeliveryId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    TopicArn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: true),
                    DurationMs = table.Column<int>(type: "integer", nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsDeliveryAttempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SnsSigningKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "text", nullable: false),
                    CertificatePem = table.Column<string>(type: "text", unicode: false, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IsCurrent = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsSigningKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConfigurationSets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConfigurationSets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConfigurationSets_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EnforcementChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    From = table.Column<int>(type: "integer", nullable: false),
                    To = table.Column<int>(type: "integer", nullable: false),
                    Cause = table.Column<string>(type: "character varying(16)", unicode: false, maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Volume = table.Column<long>(type: "bigint", nullable: false),
                    Bounces = table.Column<long>(type: "bigint", nullable: false),
                    Complaints = table.Column<long>(type: "bigint", nullable: false),
                    BounceRate = table.Column<double>(type: "double precision", nullable: false),
                    ComplaintRate = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnforcementChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EnforcementChanges_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IamPrincipals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TrustPolicy = table.Column<string>(type: "text", nullable: true),
                    MaxSessionDurationSeconds = table.Column<int>(type: "integer", nullable: false, defaultValue: 3600)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IamPrincipals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IamPrincipals_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MailboxMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: true),
                    MessageId = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Recipients = table.Column<string>(type: "text", nullable: false),
                    Subject = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: false),
                    Mime = table.Column<byte[]>(type: "bytea", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailboxMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MailboxMessages_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OutboxMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    SourceArn = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Recipients = table.Column<string>(type: "text", nullable: false),
                    Mime = table.Column<byte[]>(type: "bytea", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ConfigurationSetName = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: true),
                    FeedbackAddress = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutboxMessages_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QuotaCounters",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    Tokens = table.Column<double>(type: "double precision", nullable: false),
                    TokensAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaCounters", x => new { x.AccountId, x.Region });
                    table.ForeignKey(
                        name: "FK_QuotaCounters_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SendingIdentities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    VerificationStatus = table.Column<int>(type: "integer", nullable: false),
                    VerificationStatusSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    VerifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastCheckedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    VerificationToken = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: true),
                    EmailLinkNonceHash = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: true),
                    DkimOrigin = table.Column<int>(type: "integer", nullable: true),
                    DkimStatus = table.Column<int>(type: "integer", nullable: false),
                    DkimStatusSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DkimSigningEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    DkimKeyLength = table.Column<int>(type: "integer", nullable: false),
                    MailFromDomain = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    MailFromStatus = table.Column<int>(type: "integer", nullable: false),
                    MailFromStatusSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MailFromBehavior = table.Column<int>(type: "integer", nullable: false),
                    BounceTopicArn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: true),
                    ComplaintTopicArn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: true),
                    DeliveryTopicArn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: true),
                    HeadersInBounceNotifications = table.Column<bool>(type: "boolean", nullable: false),
                    HeadersInComplaintNotifications = table.Column<bool>(type: "boolean", nullable: false),
                    HeadersInDeliveryNotifications = table.Column<bool>(type: "boolean", nullable: false),
                    FeedbackForwardingEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    DefaultConfigurationSetName = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendingIdentities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SendingIdentities_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SnsTopics",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", unicode: false, maxLength: 256, nullable: false),
                    Arn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Policy = table.Column<string>(type: "text", nullable: true),
                    DeliveryPolicy = table.Column<string>(type: "text", nullable: true),
                    SignatureVersion = table.Column<int>(type: "integer", nullable: false),
                    Tags = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsTopics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SnsTopics_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SuppressedDestinations",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Address = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Reason = table.Column<string>(type: "character varying(16)", unicode: false, maxLength: 16, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SuppressedDestinations", x => new { x.AccountId, x.Address });
                    table.ForeignKey(
                        name: "FK_SuppressedDestinations_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UsageLedger",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    Region = table.Column<string>(type: "character varying(32)", unicode: false, maxLength: 32, nullable: false, defaultValue: ""),
                    Recipients = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageLedger", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UsageLedger_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoleId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConfigurationSetEventDestinations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ConfigurationSetId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    MatchingEventTypes = table.Column<string>(type: "character varying(400)", unicode: false, maxLength: 400, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    TopicArn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConfigurationSetEventDestinations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConfigurationSetEventDestinations_ConfigurationSets_Configu~",
                        column: x => x.ConfigurationSetId,
                        principalTable: "ConfigurationSets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AccessKeys",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(20)", unicode: false, maxLength: 20, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    PrincipalId = table.Column<Guid>(type: "uuid", nullable: true),
                    ProtectedSecret = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AccessKeys_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AccessKeys_IamPrincipals_PrincipalId",
                        column: x => x.PrincipalId,
                        principalTable: "IamPrincipals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: true),
                    IamPrincipalId = table.Column<Guid>(type: "uuid", nullable: true),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "text", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUsers_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AspNetUsers_IamPrincipals_IamPrincipalId",
                        column: x => x.IamPrincipalId,
                        principalTable: "IamPrincipals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IamPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PrincipalId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IamPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IamPolicies_IamPrincipals_PrincipalId",
                        column: x => x.PrincipalId,
                        principalTable: "IamPrincipals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DkimKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IdentityId = table.Column<Guid>(type: "uuid", nullable: false),
                    Selector = table.Column<string>(type: "character varying(63)", unicode: false, maxLength: 63, nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "text", nullable: false),
                    PublicKey = table.Column<string>(type: "text", unicode: false, nullable: false),
                    KeyLength = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DkimKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DkimKeys_SendingIdentities_IdentityId",
                        column: x => x.IdentityId,
                        principalTable: "SendingIdentities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IdentityPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IdentityId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdentityPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IdentityPolicies_SendingIdentities_IdentityId",
                        column: x => x.IdentityId,
                        principalTable: "SendingIdentities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SnsMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    TopicId = table.Column<Guid>(type: "uuid", nullable: false),
                    TopicArn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "uuid", nullable: true),
                    Subject = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Message = table.Column<string>(type: "text", nullable: false),
                    MessageAttributes = table.Column<string>(type: "text", nullable: true),
                    PublishedBy = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    FannedOut = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SnsMessages_SnsTopics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "SnsTopics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SnsSubscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Arn = table.Column<string>(type: "character varying(400)", unicode: false, maxLength: 400, nullable: false),
                    TopicId = table.Column<Guid>(type: "uuid", nullable: false),
                    TopicArn = table.Column<string>(type: "character varying(320)", unicode: false, maxLength: 320, nullable: false),
                    SubscriberAccountId = table.Column<string>(type: "character varying(12)", unicode: false, maxLength: 12, nullable: false),
                    Protocol = table.Column<string>(type: "character varying(16)", unicode: false, maxLength: 16, nullable: false),
                    Endpoint = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ConfirmationToken = table.Column<string>(type: "character varying(256)", unicode: false, maxLength: 256, nullable: true),
                    ConfirmationExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AuthenticateOnUnsubscribe = table.Column<bool>(type: "boolean", nullable: false),
                    RawMessageDelivery = table.Column<bool>(type: "boolean", nullable: false),
                    DeliveryPolicy = table.Column<string>(type: "text", nullable: true),
                    FilterPolicy = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SnsSubscriptions_SnsTopics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "SnsTopics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    ProviderKey = table.Column<string>(type: "text", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    RoleId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SnsDeliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SnsMessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClaimedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SnsDeliveries_SnsMessages_SnsMessageId",
                        column: x => x.SnsMessageId,
                        principalTable: "SnsMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessKeys_AccountId_PrincipalId",
                table: "AccessKeys",
                columns: new[] { "AccountId", "PrincipalId" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessKeys_PrincipalId",
                table: "AccessKeys",
                column: "PrincipalId");

            migrationBuilder.CreateIndex(
                name: "IX_AccountReputationBuckets_Day_AccountId",
                table: "AccountReputationBuckets",
                columns: new[] { "Day", "AccountId" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountReputationBuckets_Hour",
                table: "AccountReputationBuckets",
                column: "Hour");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_AccountId",
                table: "AspNetUsers",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_IamPrincipalId",
                table: "AspNetUsers",
                column: "IamPrincipalId");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_ActorArn_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "ActorArn", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_Kind_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_Target_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "Target", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_ConfigurationSetEventDestinations_ConfigurationSetId_Name",
                table: "ConfigurationSetEventDestinations",
                columns: new[] { "ConfigurationSetId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConfigurationSets_AccountId_Region_Name",
                table: "ConfigurationSets",
                columns: new[] { "AccountId", "Region", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DkimKeys_IdentityId_Selector",
                table: "DkimKeys",
                columns: new[] { "IdentityId", "Selector" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementChanges_AccountId_At",
                table: "EnforcementChanges",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_IamPolicies_PrincipalId_Name",
                table: "IamPolicies",
                columns: new[] { "PrincipalId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IamPrincipals_AccountId_Type_NormalizedName",
                table: "IamPrincipals",
                columns: new[] { "AccountId", "Type", "NormalizedName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdentityPolicies_IdentityId_Name",
                table: "IdentityPolicies",
                columns: new[] { "IdentityId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundFeedback_AccountId_ReceivedAt",
                table: "InboundFeedback",
                columns: new[] { "AccountId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InboundFeedback_MessageId",
                table: "InboundFeedback",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_InboundFeedback_ReceivedAt",
                table: "InboundFeedback",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_MailboxMessages_AccountId_ReceivedAt",
                table: "MailboxMessages",
                columns: new[] { "AccountId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_AccountId",
                table: "OutboxMessages",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_MessageId",
                table: "OutboxMessages",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Status_NextAttemptAt",
                table: "OutboxMessages",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PublishedEvents_AccountId_Region_ConfigurationSetName_At",
                table: "PublishedEvents",
                columns: new[] { "AccountId", "Region", "ConfigurationSetName", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ReputationBuckets_Hour",
                table: "ReputationBuckets",
                column: "Hour");

            migrationBuilder.CreateIndex(
                name: "IX_ReputationBuckets_OwnerAccountId_Hour",
                table: "ReputationBuckets",
                columns: new[] { "OwnerAccountId", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_SendActivityBuckets_OwnerAccountId_Start",
                table: "SendActivityBuckets",
                columns: new[] { "OwnerAccountId", "Start" });

            migrationBuilder.CreateIndex(
                name: "IX_SendAttempts_AccountId_At",
                table: "SendAttempts",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendAttempts_OwnerAccountId_At",
                table: "SendAttempts",
                columns: new[] { "OwnerAccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendEvents_AccountId_Type_At",
                table: "SendEvents",
                columns: new[] { "AccountId", "Type", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendEvents_MessageId_At",
                table: "SendEvents",
                columns: new[] { "MessageId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendingIdentities_AccountId_Region_Name",
                table: "SendingIdentities",
                columns: new[] { "AccountId", "Region", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnsDeliveries_SnsMessageId",
                table: "SnsDeliveries",
                column: "SnsMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_SnsDeliveries_Status_NextAttemptAt",
                table: "SnsDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SnsDeliveries_SubscriptionId",
                table: "SnsDeliveries",
                column: "SubscriptionId");

            migrationBuilder.CreateIndex(
                name: "IX_SnsDeliveryAttempts_DeliveryId",
                table: "SnsDeliveryAttempts",
                column: "DeliveryId");

            migrationBuilder.CreateIndex(
                name: "IX_SnsDeliveryAttempts_SubscriptionId_At",
                table: "SnsDeliveryAttempts",
                columns: new[] { "SubscriptionId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SnsDeliveryAttempts_TopicArn_At",
                table: "SnsDeliveryAttempts",
                columns: new[] { "TopicArn", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SnsMessages_FannedOut_CreatedAt",
                table: "SnsMessages",
                columns: new[] { "FannedOut", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SnsMessages_MessageId",
                table: "SnsMessages",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnsMessages_TopicId_CreatedAt",
                table: "SnsMessages",
                columns: new[] { "TopicId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SnsSigningKeys_Name",
                table: "SnsSigningKeys",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnsSubscriptions_Arn",
                table: "SnsSubscriptions",
                column: "Arn",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnsSubscriptions_ConfirmationToken",
                table: "SnsSubscriptions",
                column: "ConfirmationToken");

            migrationBuilder.CreateIndex(
                name: "IX_SnsSubscriptions_SubscriberAccountId",
                table: "SnsSubscriptions",
                column: "SubscriberAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_SnsSubscriptions_TopicId_Status",
                table: "SnsSubscriptions",
                columns: new[] { "TopicId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_SnsTopics_AccountId_Region_Name",
                table: "SnsTopics",
                columns: new[] { "AccountId", "Region", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnsTopics_Arn",
                table: "SnsTopics",
                column: "Arn",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UsageLedger_AccountId_At",
                table: "UsageLedger",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageLedger_AccountId_Region_Id",
                table: "UsageLedger",
                columns: new[] { "AccountId", "Region", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessKeys");

            migrationBuilder.DropTable(
                name: "AccountReputationBuckets");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "ChangeCounters");

            migrationBuilder.DropTable(
                name: "ConfigurationSetEventDestinations");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "DkimKeys");

            migrationBuilder.DropTable(
                name: "EnforcementChanges");

            migrationBuilder.DropTable(
                name: "IamPolicies");

            migrationBuilder.DropTable(
                name: "IdentityPolicies");

            migrationBuilder.DropTable(
                name: "InboundFeedback");

            migrationBuilder.DropTable(
                name: "InstallationSecrets");

            migrationBuilder.DropTable(
                name: "MailboxMessages");

            migrationBuilder.DropTable(
                name: "NodeLeases");

            migrationBuilder.DropTable(
                name: "OutboxMessages");

            migrationBuilder.DropTable(
                name: "PublishedEvents");

            migrationBuilder.DropTable(
                name: "QuotaCounters");

            migrationBuilder.DropTable(
                name: "ReputationBuckets");

            migrationBuilder.DropTable(
                name: "SendActivityBuckets");

            migrationBuilder.DropTable(
                name: "SendAttempts");

            migrationBuilder.DropTable(
                name: "SendEvents");

            migrationBuilder.DropTable(
                name: "SnsDeliveries");

            migrationBuilder.DropTable(
                name: "SnsDeliveryAttempts");

            migrationBuilder.DropTable(
                name: "SnsSigningKeys");

            migrationBuilder.DropTable(
                name: "SnsSubscriptions");

            migrationBuilder.DropTable(
                name: "SuppressedDestinations");

            migrationBuilder.DropTable(
                name: "UsageLedger");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "ConfigurationSets");

            migrationBuilder.DropTable(
                name: "SendingIdentities");

            migrationBuilder.DropTable(
                name: "SnsMessages");

            migrationBuilder.DropTable(
                name: "IamPrincipals");

            migrationBuilder.DropTable(
                name: "SnsTopics");

            migrationBuilder.DropTable(
                name: "Accounts");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BounceTopicArn",
                table: "SendingIdentities",
                type: "TEXT",
                unicode: false,
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ComplaintTopicArn",
                table: "SendingIdentities",
                type: "TEXT",
                unicode: false,
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DefaultConfigurationSetName",
                table: "SendingIdentities",
                type: "TEXT",
                unicode: false,
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryTopicArn",
                table: "SendingIdentities",
                type: "TEXT",
                unicode: false,
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "FeedbackForwardingEnabled",
                table: "SendingIdentities",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "HeadersInBounceNotifications",
                table: "SendingIdentities",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "HeadersInComplaintNotifications",
                table: "SendingIdentities",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "HeadersInDeliveryNotifications",
                table: "SendingIdentities",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ConfigurationSetName",
                table: "OutboxMessages",
                type: "TEXT",
                unicode: false,
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FeedbackAddress",
                table: "OutboxMessages",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConfigurationSetEventDestinations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConfigurationSetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    MatchingEventTypes = table.Column<string>(type: "TEXT", unicode: false, maxLength: 400, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    TopicArn = table.Column<string>(type: "TEXT", unicode: false, maxLength: 320, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConfigurationSetEventDestinations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConfigurationSetEventDestinations_ConfigurationSets_ConfigurationSetId",
                        column: x => x.ConfigurationSetId,
                        principalTable: "ConfigurationSets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PublishedEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    ConfigurationSetName = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    DestinationName = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    EventType = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PublishedEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SnsDeliveryAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliveryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TopicArn = table.Column<string>(type: "TEXT", unicode: false, maxLength: 320, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsDeliveryAttempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SnsSigningKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "TEXT", nullable: false),
                    CertificatePem = table.Column<string>(type: "TEXT", unicode: false, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IsCurrent = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnsSigningKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SnsTopics",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 256, nullable: false),
                    Arn = table.Column<string>(type: "TEXT", unicode: false, maxLength: 320, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Policy = table.Column<string>(type: "TEXT", nullable: true),
                    DeliveryPolicy = table.Column<string>(type: "TEXT", nullable: true),
                    SignatureVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Tags = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "SnsMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    TopicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TopicArn = table.Column<string>(type: "TEXT", unicode: false, maxLength: 320, nullable: false),
                    Type = table.Column<int>(type: "INTEGER", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Message = table.Column<string>(type: "TEXT", nullable: false),
                    MessageAttributes = table.Column<string>(type: "TEXT", nullable: true),
                    PublishedBy = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    FannedOut = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Arn = table.Column<string>(type: "TEXT", unicode: false, maxLength: 400, nullable: false),
                    TopicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TopicArn = table.Column<string>(type: "TEXT", unicode: false, maxLength: 320, nullable: false),
                    SubscriberAccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    Protocol = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    Endpoint = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ConfirmationToken = table.Column<string>(type: "TEXT", unicode: false, maxLength: 256, nullable: true),
                    ConfirmationExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AuthenticateOnUnsubscribe = table.Column<bool>(type: "INTEGER", nullable: false),
                    RawMessageDelivery = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeliveryPolicy = table.Column<string>(type: "TEXT", nullable: true),
                    FilterPolicy = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
                name: "SnsDeliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SnsMessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClaimedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
                name: "IX_ConfigurationSetEventDestinations_ConfigurationSetId_Name",
                table: "ConfigurationSetEventDestinations",
                columns: new[] { "ConfigurationSetId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PublishedEvents_AccountId_Region_ConfigurationSetName_At",
                table: "PublishedEvents",
                columns: new[] { "AccountId", "Region", "ConfigurationSetName", "At" });

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConfigurationSetEventDestinations");

            migrationBuilder.DropTable(
                name: "PublishedEvents");

            migrationBuilder.DropTable(
                name: "SnsDeliveries");

            migrationBuilder.DropTable(
                name: "SnsDeliveryAttempts");

            migrationBuilder.DropTable(
                name: "SnsSigningKeys");

            migrationBuilder.DropTable(
                name: "SnsSubscriptions");

            migrationBuilder.DropTable(
                name: "SnsMessages");

            migrationBuilder.DropTable(
                name: "SnsTopics");

            migrationBuilder.DropColumn(
                name: "BounceTopicArn",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "ComplaintTopicArn",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "DefaultConfigurationSetName",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "DeliveryTopicArn",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "FeedbackForwardingEnabled",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "HeadersInBounceNotifications",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "HeadersInComplaintNotifications",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "HeadersInDeliveryNotifications",
                table: "SendingIdentities");

            migrationBuilder.DropColumn(
                name: "ConfigurationSetName",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "FeedbackAddress",
                table: "OutboxMessages");
        }
    }
}

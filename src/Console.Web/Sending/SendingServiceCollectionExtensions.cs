using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using SesConsole.Domain.Sending;
using SesConsole.Web.Hosting;
using SesConsole.Web.Reputation.Inbound;
using SesConsole.Web.Sending.Delivery;
using SesConsole.Web.Sending.Mime;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Sending;

/// <summary>The sending engine's registrations (docs/send-pipeline.md#the-sending-module).</summary>
public static class SendingServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="SendPipelineOptions"/> is bound from.</summary>
    public const string PipelineSectionName = "Sending:Pipeline";

    /// <summary>
    /// The entry (<see cref="SendService"/>), the one <see cref="SendPipeline"/> over the database-backed ports, the
    /// attempt recorder, the accepted-message writer with its group commit, quota ledger and read cache, and the delivery
    /// worker. Everything on the send path is a singleton: the ports keep no per-call state (their caches are
    /// thread-safe), so one pipeline serves concurrent sends from every entry.
    /// </summary>
    public static IServiceCollection AddSendingEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SendPipelineOptions>().Bind(configuration.GetSection(PipelineSectionName))
            .Validate(o => o.MaxRecipients > 0, "Sending:Pipeline:MaxRecipients must be at least 1.")
            .Validate(o => o.MaxMessageBytes is > 0 and <= int.MaxValue, $"Sending:Pipeline:MaxMessageBytes must be from 1 to {int.MaxValue}.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DefaultMailFromDomain), "Sending:Pipeline:DefaultMailFromDomain must not be empty.")
            .ValidateOnStart();

        services.Configure<SendingReadCacheOptions>(configuration.GetSection(SendingReadCacheOptions.SectionName));
        services.AddSingleton<SendingReadCache>();
        services.AddSingleton<IInterceptor, SendingCacheInvalidation>(); // announces changes through ClusterChanges
        services.TryAddClusterServices();
        services.AddSingleton<QuotaLedger>();
        services.AddSingleton<GroupCommitWriter>();

        // The stores behind the domain's ports.
        services.AddSingleton<DbSendingIdentityDirectory>();
        services.AddSingleton<DbCallerPolicyStore>();
        services.AddSingleton<DbSendingAccountDirectory>();
        services.AddSingleton<LedgerSendingQuota>();
        services.AddSingleton<DbSuppressionList>();
        services.AddSingleton<DbConfigurationSetDirectory>();
        services.AddSingleton<MimeKitParser>();
        services.AddReturnAddresses(configuration);
        services.AddSingleton(sp => new SendPipelinePorts(
            sp.GetRequiredService<DbSendingIdentityDirectory>(),
            sp.GetRequiredService<DbCallerPolicyStore>(),
            sp.GetRequiredService<DbSendingAccountDirectory>(),
            sp.GetRequiredService<LedgerSendingQuota>(),
            sp.GetRequiredService<DbSuppressionList>(),
            sp.GetRequiredService<MimeKitParser>())
        {
            ConfigurationSets = sp.GetRequiredService<DbConfigurationSetDirectory>(),
            ReturnAddresses = sp.GetRequiredService<IReturnAddresses>(),
        });
        services.AddSingleton(sp => new SendPipeline(sp.GetRequiredService<SendPipelinePorts>(), sp.GetRequiredService<IOptions<SendPipelineOptions>>().Value));

        services.AddSingleton<SendAttemptRecorder>();
        services.AddSingleton<AcceptedMimeBuilder>();
        services.AddSingleton<AcceptedMessageWriter>();
        services.AddSingleton<Templates.EmailTemplateStore>();
        services.AddSingleton<Templates.TemplateRenderer>();
        services.AddSingleton<SendService>();
        services.AddSingleton<Templates.TemplatedSender>(); // templated and bulk sends (docs/templates.md#templated-sending)

        services.Configure<DeliveryOptions>(configuration.GetSection(DeliveryOptions.SectionName));
        services.AddScoped<OutboxDelivery>();
        services.AddSingleton<DeliveryFlowControl>();
        services.AddHostedService<DeliveryWorker>();

        // Retention: the background purge of old attempts, events and delivered bodies (docs/storage-and-retention.md).
        services.AddOptions<SendingRetentionOptions>().Bind(configuration.GetSection(SendingRetentionOptions.SectionName))
            .Validate(o => o.Attempts > TimeSpan.Zero && o.Events > TimeSpan.Zero && o.DeliveredBodies >= TimeSpan.Zero && o.BatchSize > 0,
                "Sending:Retention: Attempts and Events must be positive, DeliveredBodies not negative, BatchSize at least 1.")
            .ValidateOnStart();
        services.AddScoped<SendingRetention>();
        services.AddHostedService<SendingRetentionWorker>();
        return services;
    }
}
